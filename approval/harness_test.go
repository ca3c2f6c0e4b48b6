package approval_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/approvaltest"
	"github.com/resetbot/resetbot/internal/fakeclock"
	"github.com/resetbot/resetbot/policy"
	"github.com/resetbot/resetbot/policy/policyfile"
	"github.com/resetbot/resetbot/store/sqlite"
)

// The pools of the test policy, one per way of approving.
var (
	prod    = policy.Pool{Name: "prod", ID: "eu-west-1_Prod1", Region: "eu-west-1"}       // 1 approval, ticket and identity check required
	dual    = policy.Pool{Name: "dual", ID: "eu-west-1_Dual1", Region: "eu-west-1"}       // 2 approvals
	selfish = policy.Pool{Name: "self", ID: "eu-west-1_Self1", Region: "eu-west-1"}       // 1 approval, the requester may give it
	dev     = policy.Pool{Name: "dev", ID: "eu-west-1_Dev1", Region: "eu-west-1"}         // no approval
	limited = policy.Pool{Name: "limited", ID: "eu-west-1_Limited1", Region: "eu-west-1"} // no approval, tight rate limits
	pools   = []policy.Pool{prod, dual, selfish, dev, limited}
)

// testPolicy is the policy file the tests run under; the audit export's tests run under it too.
const testPolicy = approvaltest.Policy

// People.
var (
	requesterGroups = []string{"S0SUPPORT", "@support"}
	lead1           = policy.Approver{User: "U0LEAD001"}
	lead2           = policy.Approver{User: "U0LEAD002", Groups: []string{"@leads"}}
	lead3           = policy.Approver{User: "U0LEAD003", Groups: []string{"@leads"}}
	outsider        = policy.Approver{User: "U0NOBODY1", Groups: []string{"@sales"}}
)

// t0 is when every test starts.
var t0 = time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)

type harness struct {
	t          *testing.T
	svc        *approval.Service
	cfg        approval.Config
	store      *faultStore
	db         *sqlite.DB
	dbPath     string
	dir        *fakeDir
	note       *fakeNotifier
	clock      *clock
	obs        *observer
	logs       *logBuffer
	policy     *policyfile.Holder
	policyPath string
}

// newHarness starts a service on SQLite in a temporary directory, with the fakes and the test
// policy; opts adjust the config before the service is made.
func newHarness(t *testing.T, opts ...func(*approval.Config)) *harness {
	t.Helper()
	dir := t.TempDir()
	h := &harness{
		t:          t,
		dbPath:     filepath.Join(dir, "resetbot.db"),
		dir:        newFakeDir(pools...),
		note:       &fakeNotifier{},
		clock:      fakeclock.New(t0),
		obs:        newObserver(),
		logs:       &logBuffer{},
		policyPath: filepath.Join(dir, "policy.yaml"),
	}
	if err := os.WriteFile(h.policyPath, []byte(testPolicy), 0o600); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var err error
	h.policy, err = policyfile.NewHolder(h.policyPath, logger)
	if err != nil {
		t.Fatalf("policy: %v", err)
	}
	h.db = openDB(t, h.dbPath)
	h.store = &faultStore{Store: h.db}
	h.cfg = approval.Config{
		Store: h.store, Directory: h.dir, Policy: h.policy, Notifier: h.note, Logger: logger,
		Observer: h.obs, Now: h.clock.Now, Lease: 2 * time.Minute, Owner: "test-1",
	}
	for _, o := range opts {
		o(&h.cfg)
	}
	h.svc, err = approval.New(h.cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(h.svc.Wait)
	return h
}

func openDB(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// second starts another process's service on the same store and fakes. One SQLite file
// serves one process at a time, so the two share the open store, as replicas share one
// database; when the first process's store is closed (it crashed or stopped), the second
// opens the file again.
func (h *harness) second(owner string) *approval.Service {
	h.t.Helper()
	if err := h.db.Ping(context.Background()); err != nil {
		h.db = openDB(h.t, h.dbPath)
	}
	cfg := h.cfg
	cfg.Store = h.db
	cfg.Owner = owner
	svc, err := approval.New(cfg)
	if err != nil {
		h.t.Fatalf("New: %v", err)
	}
	h.t.Cleanup(svc.Wait)
	return svc
}

// crashable starts a service of cfg, as another process on the same store and fakes, that can
// crash: crash closes the store under it and ends its time, so that it records nothing more and
// gives up at once, as a process that died would.
func (h *harness) crashable(cfg approval.Config) (svc *approval.Service, crash func()) {
	h.t.Helper()
	own := fakeclock.New(h.clock.Now())
	cfg.Now = own.Now
	svc, err := approval.New(cfg)
	if err != nil {
		h.t.Fatalf("New: %v", err)
	}
	h.t.Cleanup(svc.Wait)
	return svc, func() {
		_ = h.db.Close()
		own.Advance(24 * time.Hour)
	}
}

// setPolicy rewrites the policy file and reloads it, as an operator would.
func (h *harness) setPolicy(yaml string) {
	h.t.Helper()
	if err := os.WriteFile(h.policyPath, []byte(yaml), 0o600); err != nil {
		h.t.Fatal(err)
	}
	if err := h.policy.Reload(); err != nil {
		h.t.Fatalf("reload policy: %v", err)
	}
}

// sub is a valid submission for a pool: alice, with a ticket and an identity check.
func sub(pool policy.Pool, action policy.Action) approval.Submission {
	return approval.Submission{
		Team: "T1", Channel: "C1", Requester: "U0REQ0001", Groups: requesterGroups,
		Pool: pool.Name, Target: "alice@example.com", Action: action,
		Reason: "locked out after a phone change", Ticket: "SUP-123", VerifiedBy: "callback",
	}
}

// another is s made by the n-th other requester in the same groups: the same request by
// someone else, which is no duplicate of s.
func another(s approval.Submission, n int) approval.Submission {
	s.Requester = fmt.Sprintf("U0REQ%04d", n+2)
	return s
}

func (h *harness) submit(s approval.Submission) *approval.Request {
	h.t.Helper()
	r, err := h.svc.Submit(context.Background(), s)
	if err != nil {
		h.t.Fatalf("Submit: %v", err)
	}
	return r
}

func (h *harness) approve(id string, a policy.Approver) *approval.Request {
	h.t.Helper()
	r, err := h.svc.Approve(context.Background(), id, a)
	if err != nil {
		h.t.Fatalf("Approve(%s, %s): %v", id, a.User, err)
	}
	return r
}

func (h *harness) get(id string) *approval.Request {
	h.t.Helper()
	r, err := h.svc.Get(context.Background(), id)
	if err != nil {
		h.t.Fatalf("Get(%s): %v", id, err)
	}
	return r
}

func (h *harness) sweep() {
	h.t.Helper()
	if err := h.svc.Sweep(context.Background()); err != nil {
		h.t.Fatalf("Sweep: %v", err)
	}
}

// events lists the kinds of a request's audit events.
func (h *harness) events(id string) []string {
	h.t.Helper()
	es, err := h.db.Events(context.Background(), id)
	if err != nil {
		h.t.Fatalf("Events(%s): %v", id, err)
	}
	out := []string{}
	for _, e := range es {
		out = append(out, e.Kind)
	}
	return out
}

func (h *harness) eventList(id string) []approval.Event {
	h.t.Helper()
	es, err := h.db.Events(context.Background(), id)
	if err != nil {
		h.t.Fatalf("Events(%s): %v", id, err)
	}
	return es
}

// logLines parses the JSON log.
func (h *harness) logLines() []map[string]any {
	h.t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(h.logs.String()), "\n") {
		if line == "" {
			continue
		}
		m := map[string]any{}
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			h.t.Fatalf("log line is not JSON: %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := approval.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}
