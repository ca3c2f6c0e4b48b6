package auditexport

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/approvaltest"
	"github.com/resetbot/resetbot/internal/fakeclock"
	"github.com/resetbot/resetbot/internal/secret"
	"github.com/resetbot/resetbot/policy"
	"github.com/resetbot/resetbot/policy/policyfile"
	"github.com/resetbot/resetbot/store/sqlite"
)

// fillPolicy is the policy the workflow runs under while it fills the store: the workflow
// tests' policy with prod's requests approved by U0LEAD001 alone and no identity check asked
// for, as the golden exports were recorded under.
func fillPolicy(t *testing.T) string {
	t.Helper()
	p := approvaltest.Policy
	for _, change := range []struct{ from, to string }{
		{`approvers: ["@leads", U0LEAD001]`, `approvers: [U0LEAD001]`},
		{"      verified_by: [callback]\n", ""},
	} {
		if !strings.Contains(p, change.from) {
			t.Fatalf("approvaltest.Policy no longer has %q", change.from)
		}
		p = strings.Replace(p, change.from, change.to, 1)
	}
	return p
}

// t0 is the workflow's clock at the start.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// fillStore runs the workflow through a reset approved and run, a temporary password, a
// denial, a refused approval, a policy refusal and a status look, and returns its store.
func fillStore(t *testing.T) approval.Store {
	t.Helper()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "resetbot.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	pol, err := policyfile.Parse([]byte(fillPolicy(t)), "policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	clock := fakeclock.New(t0)
	n := 0
	svc, err := approval.New(approval.Config{
		Store: db, Directory: fakeDirectory{}, Policy: pol, Notifier: fakeNotifier{}, Logger: slog.New(slog.DiscardHandler),
		Now: clock.Now, NewID: func() string { n++; return fmt.Sprintf("r-%04d", n) }, Owner: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	support := []string{"@support"}
	ask := func(requester string, groups []string, pool, target string, action policy.Action) approval.Submission {
		return approval.Submission{Team: "T1", Channel: "C1", Requester: requester, Groups: groups, Pool: pool,
			Target: target, Action: action, Reason: "locked out", Ticket: "SUP-1"}
	}
	step := func(err error) {
		t.Helper()
		clock.Advance(time.Minute)
		if err != nil && approval.ErrorCode(err) != approval.EFORBIDDEN {
			t.Fatal(err)
		}
	}
	r, err := svc.Submit(ctx, ask("U0ALICE", support, "prod", "carol", policy.ActionReset))
	step(err)
	_, err = svc.Approve(ctx, r.ID, policy.Approver{User: "U0EVE"}) // refused
	step(err)
	_, err = svc.Approve(ctx, r.ID, policy.Approver{User: "U0LEAD001"})
	step(err)
	_, err = svc.Submit(ctx, ask("U0SAM", nil, "dev", "dave@example.com", policy.ActionTempPassword))
	step(err)
	r, err = svc.Submit(ctx, ask("U0SAM", support, "prod", "erin", policy.ActionReset))
	step(err)
	_, err = svc.Deny(ctx, r.ID, policy.Approver{User: "U0LEAD001"}, "=call the user back first")
	step(err)
	_, err = svc.Submit(ctx, ask("U0ALICE", support, "prod", "root", policy.ActionReset)) // protect-admins
	step(err)
	_, err = svc.Status(ctx, approval.Submission{Team: "T1", Channel: "C1", Requester: "U0ALICE", Groups: support, Pool: "prod", Target: "carol"})
	step(err)
	svc.Wait()
	return db
}

// fakeDirectory knows every user; root is an admin.
type fakeDirectory struct{}

func (fakeDirectory) Lookup(_ context.Context, _ policy.Pool, ref string) (approval.User, error) {
	u := approval.User{Username: ref, Sub: "sub-" + ref, Status: "CONFIRMED", Enabled: true,
		Email: ref + "@example.com", EmailVerified: true}
	if ref == "root" {
		u.Groups = []string{"admins"}
	}
	return u, nil
}

func (d fakeDirectory) LookupUser(ctx context.Context, pool policy.Pool, ref string) (approval.User, error) {
	u, err := d.Lookup(ctx, pool, ref)
	u.Groups = nil
	return u, err
}

func (fakeDirectory) Run(_ context.Context, _ policy.Pool, u approval.User, a policy.Action) (approval.RunResult, error) {
	res := approval.RunResult{AWSRequestID: "aws-" + u.Username, Detail: "done"}
	if a == policy.ActionTempPassword {
		res.Password, res.ValidDays = secret.New("Temp-Secret-Canary-1!"), 7
	}
	return res, nil
}

func (fakeDirectory) SignOut(context.Context, policy.Pool, string) (approval.RunResult, error) {
	return approval.RunResult{}, nil
}

// fakeNotifier accepts everything.
type fakeNotifier struct{}

func (fakeNotifier) PostCard(_ context.Context, r *approval.Request) (approval.Thread, error) {
	return approval.Thread{Channel: r.Channel, TS: "1.000" + r.ID[2:]}, nil
}
func (fakeNotifier) Notify(context.Context, *approval.Request, approval.Notice) error { return nil }
func (fakeNotifier) UpdateCard(context.Context, *approval.Request) error              { return nil }
func (fakeNotifier) FindCard(context.Context, *approval.Request, time.Time, time.Time) (approval.Thread, error) {
	return approval.Thread{}, nil
}

func (fakeNotifier) DeliverSecret(context.Context, *approval.Request, approval.Secret) error {
	return nil
}
