package approval_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

func TestSubmitRecordsAPendingRequest(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))

	want := &approval.Request{
		ID: r.ID, Version: 2, State: approval.StatePending,
		Team: "T1", Channel: "C1", Requester: "U0REQ0001", Groups: requesterGroups,
		Pool: prod, Action: policy.ActionReset,
		Reason: "locked out after a phone change", Ticket: "SUP-123", VerifiedBy: "callback",
		Target: approval.Target{
			Ref: "a***e@example.com", Username: "alice", Sub: "sub-alice", Status: "CONFIRMED", Enabled: true,
			EmailMasked: "a***e@example.com", EmailVerified: true, Groups: []string{"customers"},
			ContactDigest: contactDigest("sub-alice", "alice@example.com", ""),
		},
		Rule: "prod-support", ApprovalsNeeded: 1, Approvers: []string{"@leads", "U0LEAD001"},
		CreatedAt: t0, UpdatedAt: t0, ExpiresAt: t0.Add(4 * time.Hour), RemindAt: t0.Add(30 * time.Minute),
		Thread: approval.Thread{Channel: "C1", TS: "1700000000.000001"},
	}
	if diff := cmp.Diff(r, want, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Submit returned (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(h.get(r.ID), want, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("stored request (-got +want):\n%s", diff)
	}
	if !strings.HasPrefix(r.ID, "r-") || len(r.ID) != 12 {
		t.Errorf("request id %q, want r- and 10 characters", r.ID)
	}
	if diff := cmp.Diff(h.events(r.ID), []string{"submitted"}); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}
	if got := h.dir.Calls("run"); got != 0 {
		t.Errorf("%d runs before any approval", got)
	}
	submitted, _, _ := h.obs.counts()
	if diff := cmp.Diff(submitted, map[string]int{"reset/created": 1}); diff != "" {
		t.Errorf("observer (-got +want):\n%s", diff)
	}
}

func TestSubmitCountsRecentRequests(t *testing.T) {
	h := newHarness(t)
	h.submit(sub(prod, policy.ActionReset))
	h.clock.Advance(24 * time.Hour)
	h.submit(sub(prod, policy.ActionTempPassword))
	h.clock.Advance(29*24*time.Hour + time.Hour)
	r := h.submit(sub(prod, policy.ActionReset))
	if r.Recent != 1 {
		t.Errorf("Recent = %d, want 1 (the request of 29 days ago, not the one of 30 days and an hour)", r.Recent)
	}
}

func TestSubmitRefusals(t *testing.T) {
	throttled := &approval.Error{Code: approval.ETHROTTLED, Message: "Cognito is busy."}
	tests := []struct {
		name    string
		mutate  func(s *approval.Submission)
		setup   func(h *harness)
		code    string
		fields  map[string]string // for a *ValidationError
		outcome string            // the observer's
		audit   []string          // events with no request
	}{
		{name: "read-only action", mutate: func(s *approval.Submission) { s.Action = policy.ActionStatus },
			code: approval.EINVALID, outcome: "status/invalid"},
		{name: "unknown action", mutate: func(s *approval.Submission) { s.Action = "delete" },
			code: approval.EINVALID, fields: map[string]string{"action": `There is no action "delete".`}, outcome: "delete/invalid"},
		{name: "no target", mutate: func(s *approval.Submission) { s.Target = "  " },
			code: approval.EINVALID, fields: map[string]string{"target": "Say which user: a username, an email address or a sub."}, outcome: "reset/invalid"},
		{name: "unknown pool", mutate: func(s *approval.Submission) { s.Pool = "qa" },
			code: approval.EINVALID, fields: map[string]string{"pool": `There is no pool "qa"; the pools are: dev, dual, limited, prod, self.`}, outcome: "reset/invalid"},
		{name: "no pool said", mutate: func(s *approval.Submission) { s.Pool = "" },
			code: approval.EFORBIDDEN, outcome: "reset/denied", audit: []string{"denied_by_policy"}},
		{name: "admin target", mutate: func(s *approval.Submission) { s.Target = "root" },
			code: approval.EFORBIDDEN, outcome: "reset/denied", audit: []string{"denied_by_policy"}},
		{name: "requester not allowed", mutate: func(s *approval.Submission) { s.Groups = []string{"@sales"} },
			code: approval.EFORBIDDEN, outcome: "reset/denied", audit: []string{"denied_by_policy"}},
		{name: "unknown user, requester not allowed", mutate: func(s *approval.Submission) { s.Groups, s.Target = nil, "nobody@example.com" },
			code: approval.EFORBIDDEN, outcome: "reset/denied", audit: []string{"denied_by_policy"}},
		{name: "missing ticket and check", mutate: func(s *approval.Submission) { s.Ticket, s.VerifiedBy = "", "" },
			code: approval.EINVALID, fields: map[string]string{
				"ticket":      "Give the support ticket; the whole of it must match SUP-[0-9]+.",
				"verified_by": "Say how you verified the user's identity: one of callback.",
			}, outcome: "reset/invalid"},
		{name: "bad ticket, unknown user", mutate: func(s *approval.Submission) { s.Ticket, s.Target = "JIRA-1", "nobody" },
			code: approval.EINVALID, fields: map[string]string{
				"ticket": "Give the support ticket; the whole of it must match SUP-[0-9]+.",
				"target": "There is no user nobody in pool prod.",
			}, outcome: "reset/invalid"},
		{name: "unknown user", mutate: func(s *approval.Submission) { s.Target = "nobody@example.com" },
			code: approval.ENOTFOUND, outcome: "reset/error"},
		{name: "directory throttled", setup: func(h *harness) { h.dir.setFail("lookup", throttled) },
			code: approval.ETHROTTLED, outcome: "reset/error"},
		{name: "store cannot count", setup: func(h *harness) { h.store.setFail("CountByTarget", errors.New("disk on fire")) },
			code: approval.EINTERNAL, outcome: "reset/error"},
		{name: "store cannot create", setup: func(h *harness) { h.store.setFail("Create", errors.New("disk on fire")) },
			code: approval.EINTERNAL, outcome: "reset/error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			if tt.setup != nil {
				tt.setup(h)
			}
			s := sub(prod, policy.ActionReset)
			if tt.mutate != nil {
				tt.mutate(&s)
			}
			r, err := h.svc.Submit(t.Context(), s)
			if r != nil {
				t.Errorf("Submit returned a request: %+v", r)
			}
			wantCode(t, err, tt.code)
			if tt.fields != nil {
				var ve *approval.ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("error %v is not a *ValidationError", err)
				}
				if diff := cmp.Diff(ve.Fields, tt.fields); diff != "" {
					t.Errorf("fields (-got +want):\n%s", diff)
				}
			}
			if approval.ErrorMessage(err) == "" {
				t.Error("the error has no message for people")
			}
			submitted, _, _ := h.obs.counts()
			if diff := cmp.Diff(submitted, map[string]int{tt.outcome: 1}); diff != "" {
				t.Errorf("observer (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(h.events(""), tt.audit, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("audit of refused submissions (-got +want):\n%s", diff)
			}
			if pending, _ := h.db.Pending(t.Context()); len(pending) != 0 {
				t.Errorf("a refused submission stored %d requests", len(pending))
			}
			if len(h.note.cards) != 0 {
				t.Errorf("a refused submission posted %d cards", len(h.note.cards))
			}
		})
	}
}

func TestSubmitDeniedAuditSaysWhy(t *testing.T) {
	h := newHarness(t)
	s := sub(prod, policy.ActionReset)
	s.Target = "root@example.com"
	_, err := h.svc.Submit(t.Context(), s)
	if got := approval.ErrorMessage(err); got != "Admin accounts are reset by the security team." {
		t.Errorf("message %q", got)
	}
	es := h.eventList("")
	if len(es) != 1 {
		t.Fatalf("%d events, want 1", len(es))
	}
	want := approval.Event{ID: es[0].ID, At: t0, Actor: "U0REQ0001", Kind: "denied_by_policy", Rule: "protect-admins", Outcome: "denied",
		Detail: "action=reset pool=prod target=r***t@example.com: Admin accounts are reset by the security team."}
	if diff := cmp.Diff(es[0], want); diff != "" {
		t.Errorf("event (-got +want):\n%s", diff)
	}
}

func TestSubmitRateLimits(t *testing.T) {
	h := newHarness(t)
	s := sub(limited, policy.ActionReset)
	h.submit(s)

	// The same target again within the window.
	_, err := h.svc.Submit(t.Context(), s)
	wantCode(t, err, approval.ELIMITED)
	if got := approval.ErrorMessage(err); !strings.Contains(got, "This user has had 1 request in the last 1 day; the policy allows 1.") {
		t.Errorf("per-target message %q", got)
	}

	// Another target: the requester's second request is allowed, the third is not.
	s.Target = "carol"
	h.submit(s)
	s.Target = "bob"
	_, err = h.svc.Submit(t.Context(), s)
	wantCode(t, err, approval.ELIMITED)
	if got := approval.ErrorMessage(err); !strings.Contains(got, "You have made 2 requests in the last 1 day; the policy allows 2.") {
		t.Errorf("per-requester message %q", got)
	}

	// A day later the window has moved on.
	h.clock.Advance(24*time.Hour + time.Second)
	h.submit(s)

	if diff := cmp.Diff(h.events(""), []string{"rate_limited", "rate_limited"}); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}
	submitted, _, _ := h.obs.counts()
	if diff := cmp.Diff(submitted, map[string]int{"reset/created": 3, "reset/limited": 2}); diff != "" {
		t.Errorf("observer (-got +want):\n%s", diff)
	}
}

func TestSubmitLimitCountFails(t *testing.T) {
	h := newHarness(t)
	// The limits are counted as the request is stored.
	h.store.setFail("CreateLimited", errors.New("sqlite: count requests per requester: disk on fire"))
	_, err := h.svc.Submit(t.Context(), sub(limited, policy.ActionReset))
	wantCode(t, err, approval.EINTERNAL)
	if approval.ErrorMessage(err) != "Something went wrong on our side; the details are in the bot's log." {
		t.Errorf("an internal error leaked to the user: %q", approval.ErrorMessage(err))
	}
}

func TestSubmitWithoutApprovalRunsAtOnce(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(dev, policy.ActionReset))
	if r.State != approval.StateSucceeded {
		t.Fatalf("state %s, want succeeded; outcome %q", r.State, r.Outcome)
	}
	if got := h.dir.Calls("run"); got != 1 {
		t.Errorf("%d runs, want 1", got)
	}
	if diff := cmp.Diff(h.events(r.ID), []string{"submitted", "approved", "running", "succeeded"}); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(h.note.kinds(r.ID), []approval.NoticeKind{approval.NoticeRunning, approval.NoticeSucceeded}); diff != "" {
		t.Errorf("notices (-got +want):\n%s", diff)
	}
	if r.RemindAt != (time.Time{}) {
		t.Errorf("a request that needs no approval has a reminder at %v", r.RemindAt)
	}
}

func TestSubmitCardNotPosted(t *testing.T) {
	h := newHarness(t)
	h.note.cardErr = errors.New("slack: channel_not_found")
	r, err := h.svc.Submit(t.Context(), sub(dev, policy.ActionReset))
	if r != nil {
		t.Errorf("Submit returned %+v", r)
	}
	wantCode(t, err, approval.EINTERNAL)
	if !strings.Contains(approval.ErrorMessage(err), "could not be posted in Slack") {
		t.Errorf("message %q", approval.ErrorMessage(err))
	}
	if got := h.dir.Calls("run"); got != 0 {
		t.Errorf("a request with no card ran %d times", got)
	}
	rs, _ := h.db.History(t.Context(), dev.ID, "alice", 10)
	if len(rs) != 1 || rs[0].State != approval.StateCancelled || rs[0].DecidedBy != "system" {
		t.Fatalf("stored: %+v", rs)
	}
	if diff := cmp.Diff(h.events(rs[0].ID), []string{"submitted", "cancelled"}); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}
}

func TestSubmitCardNotPostedAndStoreDown(t *testing.T) {
	h := newHarness(t)
	h.note.cardErr = errors.New("slack: channel_not_found")
	h.store.setFail("Update", errors.New("disk on fire"))
	_, err := h.svc.Submit(t.Context(), sub(prod, policy.ActionReset))
	wantCode(t, err, approval.EINTERNAL)
	if !strings.Contains(h.logs.String(), "withdrawing an unposted request failed") {
		t.Errorf("the failed withdrawal was not logged:\n%s", h.logs.String())
	}
}

func TestSubmitThreadNotSaved(t *testing.T) {
	h := newHarness(t)
	h.store.setFail("Update", errors.New("disk on fire"))
	_, err := h.svc.Submit(t.Context(), sub(prod, policy.ActionReset))
	wantCode(t, err, approval.EINTERNAL)
}

func TestSubmitRetriesACollidingID(t *testing.T) {
	ids := []string{"r-same", "r-same", "r-other"}
	h := newHarness(t, func(c *approval.Config) {
		c.NewID = func() string {
			id := ids[0]
			ids = ids[1:]
			return id
		}
	})
	first := h.submit(sub(prod, policy.ActionReset))
	second := h.submit(another(sub(prod, policy.ActionReset), 1))
	if first.ID != "r-same" || second.ID != "r-other" {
		t.Errorf("ids %s and %s, want r-same and r-other", first.ID, second.ID)
	}
}

func TestSubmitSignOutOption(t *testing.T) {
	h := newHarness(t)
	s := sub(dev, policy.ActionSignOut)
	s.SignOut = true
	r := h.submit(s)
	if r.SignOut {
		t.Error("a signout request also asks for a sign-out afterwards")
	}
	if got := h.dir.Calls("signout"); got != 0 {
		t.Errorf("%d extra sign-outs", got)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *approval.Submission)
		code   string
		fields map[string]string
	}{
		{name: "fine", code: ""},
		{name: "read-only action is fine", mutate: func(s *approval.Submission) { s.Action = policy.ActionStatus }, code: ""},
		{name: "unknown user", mutate: func(s *approval.Submission) { s.Target = "nobody" },
			code: approval.EINVALID, fields: map[string]string{"target": "There is no user nobody in pool prod."}},
		{name: "unknown user and no ticket", mutate: func(s *approval.Submission) { s.Target, s.Ticket = "nobody", "" },
			code: approval.EINVALID, fields: map[string]string{
				"target": "There is no user nobody in pool prod.",
				"ticket": "Give the support ticket; the whole of it must match SUP-[0-9]+.",
			}},
		{name: "forbidden", mutate: func(s *approval.Submission) { s.Target = "root" }, code: approval.EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			s := sub(prod, policy.ActionReset)
			if tt.mutate != nil {
				tt.mutate(&s)
			}
			err := h.svc.Validate(t.Context(), s)
			if got := approval.ErrorCode(err); got != tt.code {
				t.Fatalf("Validate: %v, want code %q", err, tt.code)
			}
			var ve *approval.ValidationError
			if errors.As(err, &ve) {
				if diff := cmp.Diff(ve.Fields, tt.fields); diff != "" {
					t.Errorf("fields (-got +want):\n%s", diff)
				}
			} else if tt.fields != nil {
				t.Errorf("error %v is not a *ValidationError", err)
			}
			if es := h.eventList(""); len(es) != 0 {
				t.Errorf("Validate wrote %d audit events", len(es))
			}
			if pending, _ := h.db.Pending(t.Context()); len(pending) != 0 {
				t.Errorf("Validate stored %d requests", len(pending))
			}
		})
	}
}

func TestValidateUnknownPoolInCognito(t *testing.T) {
	h := newHarness(t)
	h.dir.mu.Lock()
	delete(h.dir.users, prod.ID)
	h.dir.mu.Unlock()
	err := h.svc.Validate(t.Context(), sub(prod, policy.ActionReset))
	var ve *approval.ValidationError
	if !errors.As(err, &ve) || ve.Fields["pool"] == "" {
		t.Fatalf("Validate: %v, want a pool field problem", err)
	}
}

func TestSubmitFromAChannelThePolicyRefuses(t *testing.T) {
	h := newHarness(t)
	h.setPolicy("channels:\n  - id: C0ALLOWED1\n" + testPolicy)
	_, err := h.svc.Submit(t.Context(), sub(prod, policy.ActionReset))
	wantCode(t, err, approval.EFORBIDDEN)
	var ve *approval.ValidationError
	if errors.As(err, &ve) {
		t.Errorf("a refused channel is reported as a field problem: %v", ve.Fields)
	}
	if msg := approval.ErrorMessage(err); msg != "Requests are taken only in these channels: C0ALLOWED1." {
		t.Errorf("message %q", msg)
	}
}

// An approval clicked while the card is still being posted (the card is on screen before its
// thread is saved), in this process or in another replica on the same store, waits for the
// thread, and everything it reports lands in the card's thread.
func TestApprovalWhileTheCardIsPostedReportsInItsThread(t *testing.T) {
	for _, where := range []string{"this process", "another replica"} {
		t.Run(where, func(t *testing.T) {
			h := newHarness(t)
			approver := h.svc
			if where == "another replica" {
				approver = otherReplica(t, h)
			}
			done := make(chan error, 1)
			h.note.onCard = func(r *approval.Request) {
				h.note.onCard = nil
				go func() {
					_, err := approver.Approve(t.Context(), r.ID, lead1)
					done <- err
				}()
				// The click has arrived; while the card is being posted it records nothing.
				for range 20 {
					time.Sleep(5 * time.Millisecond)
					if cur := h.get(r.ID); len(cur.Approvals) > 0 || cur.State != approval.StatePending {
						t.Errorf("the approval was recorded before the card's thread was saved: %s", cur.State)
						return
					}
				}
			}
			r := h.submit(sub(prod, policy.ActionReset))
			if err := <-done; err != nil {
				t.Fatalf("Approve: %v", err)
			}
			approver.Wait()
			var kinds []approval.NoticeKind
			for _, n := range h.note.all() {
				if n.ID != r.ID {
					continue
				}
				kinds = append(kinds, n.Kind)
				if n.Thread != r.Thread {
					t.Errorf("%s notice went to thread %+v, want the card's %+v", n.Kind, n.Thread, r.Thread)
				}
			}
			if diff := cmp.Diff(kinds, []approval.NoticeKind{approval.NoticeApproved, approval.NoticeRunning, approval.NoticeSucceeded}); diff != "" {
				t.Errorf("notices (-got +want):\n%s", diff)
			}
		})
	}
}

// TestSubmitRateLimitRace: two submissions for the same user arrive at once, under a limit of
// one request per user. Both count before either stores: only one may be stored.
func TestSubmitRateLimitRace(t *testing.T) {
	h := newHarness(t)
	barrier := &countBarrier{Store: h.store, parties: 2, arrived: make(chan struct{})}
	cfg := h.cfg
	cfg.Store = barrier
	svc, err := approval.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Wait)
	s := sub(limited, policy.ActionReset)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range errs {
		s := s
		s.Requester = fmt.Sprintf("U0REQ000%d", i+1)
		wg.Go(func() { _, errs[i] = svc.Submit(t.Context(), s) })
	}
	wg.Wait()
	codes := []string{approval.ErrorCode(errs[0]), approval.ErrorCode(errs[1])}
	slices.Sort(codes)
	if diff := cmp.Diff(codes, []string{"", approval.ELIMITED}); diff != "" {
		t.Errorf("error codes (-got +want):\n%s\nerrors: %v", diff, errs)
	}
	if n, err := h.db.CountByTarget(t.Context(), limited.ID, "alice", time.Time{}); err != nil || n != 1 {
		t.Errorf("%d requests stored for alice (%v), want 1", n, err)
	}
	if got := h.dir.Calls("run"); got != 1 {
		t.Errorf("%d runs, want 1", got)
	}
}

// countBarrier holds the first calls that count a target's requests until all parties have
// counted.
type countBarrier struct {
	approval.Store
	parties int
	mu      sync.Mutex
	n       int
	arrived chan struct{}
}

func (b *countBarrier) CountByTarget(ctx context.Context, poolID, username string, since time.Time) (int, error) {
	n, err := b.Store.CountByTarget(ctx, poolID, username, since)
	b.mu.Lock()
	b.n++
	if b.n == b.parties {
		close(b.arrived)
	}
	wait := b.n <= b.parties
	b.mu.Unlock()
	if wait {
		<-b.arrived
	}
	return n, err
}

// TestSubmitAfterWithdrawal: a request withdrawn because its card could not be posted does
// not count toward the rate limits, so trying again, as the requester is told to, works.
func TestSubmitAfterWithdrawal(t *testing.T) {
	h := newHarness(t)
	h.note.cardErr = errors.New("slack: channel_not_found")
	_, err := h.svc.Submit(t.Context(), sub(limited, policy.ActionReset))
	if !strings.Contains(approval.ErrorMessage(err), "withdrawn") {
		t.Fatalf("Submit with Slack down: %v", err)
	}
	h.note.cardErr = nil
	r := h.submit(sub(limited, policy.ActionReset))
	if r.State != approval.StateSucceeded {
		t.Errorf("state %s, outcome %q", r.State, r.Outcome)
	}
	if r.Recent != 0 {
		t.Errorf("Recent = %d, want 0: the withdrawn request was never seen", r.Recent)
	}
}

// contactDigest is what a request records of a user's addresses.
func contactDigest(sub, email, phone string) string {
	sum := sha256.Sum256([]byte(sub + "\x00" + email + "\x00" + phone))
	return hex.EncodeToString(sum[:])
}

// A card that cannot be posted because the bot is not in the channel is the requester's to
// fix: a warning, counted as not_in_channel, never as a created request.
func TestNotInChannelIsNotACreatedRequest(t *testing.T) {
	h := newHarness(t)
	h.note.cardErr = &approval.Error{Code: approval.ENOCHANNEL, Message: "The bot is not in this channel.", Err: errBoom}
	_, err := h.svc.Submit(t.Context(), sub(prod, policy.ActionReset))
	wantCode(t, err, approval.ENOCHANNEL)
	submitted, _, _ := h.obs.counts()
	if diff := cmp.Diff(submitted, map[string]int{"reset/not_in_channel": 1}); diff != "" {
		t.Errorf("submissions counted (-got +want):\n%s", diff)
	}
	for _, l := range h.logLines() {
		if l["level"] == "ERROR" {
			t.Errorf("an error was logged: %v", l)
		}
	}
}

// Decisions told at once reach Slack in any order: a card drawn from a request that has moved
// on since (an "approved, 1 of 2" drawn after the denial that followed) is drawn again from the
// newest request, so the card ends showing the denial.
func TestACardDrawnFromAnOlderRequestIsDrawnAgain(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(dual, policy.ActionReset))
	h.note.onNotify = func(n *approval.Request, _ approval.Notice) {
		if n.State != approval.StatePending {
			return
		}
		h.note.onNotify = nil
		// While the approval's notice is on its way, another lead denies the request.
		if _, err := h.svc.Deny(t.Context(), r.ID, lead3, "not verified"); err != nil {
			t.Errorf("Deny: %v", err)
		}
	}
	if _, err := h.svc.Approve(t.Context(), r.ID, lead2); err != nil {
		t.Fatalf("Approve: %v", err)
	}
	h.note.mu.Lock()
	defer h.note.mu.Unlock()
	if len(h.note.updates) == 0 {
		t.Fatal("the card drawn from the approval was not drawn again after the denial")
	}
	if last := h.note.updates[len(h.note.updates)-1]; last.State != approval.StateDenied || last.ID != r.ID {
		t.Errorf("the card was last drawn as %s, want %s", last.State, approval.StateDenied)
	}
}

// TestACardAdoptedWhileItIsPosted: another replica adopts the card from a click (saving its
// thread, and approving) after Slack has shown it and before the process that posted it has
// saved where it is. That process's write, made from the version it created, finds the request
// changed, reads it, and leaves the thread as the click saved it: the request is approved and
// run once, its notices in the card's thread.
func TestACardAdoptedWhileItIsPosted(t *testing.T) {
	h := newHarness(t)
	other := otherReplica(t, h)
	var card approval.Thread
	h.note.onCard = func(r *approval.Request) {
		h.note.onCard = nil
		h.note.mu.Lock()
		card = approval.Thread{Channel: r.Channel, TS: fmt.Sprintf("1700000000.%06d", h.note.n+1)} // the one PostCard returns
		h.note.mu.Unlock()
		if _, err := other.Approve(approval.WithCard(t.Context(), card), r.ID, lead1); err != nil {
			t.Errorf("Approve from the card on the other replica: %v", err)
		}
	}
	r := h.submit(sub(prod, policy.ActionReset))
	other.Wait()
	got := h.get(r.ID)
	if got.State != approval.StateSucceeded || got.Thread != card || r.Thread != card {
		t.Fatalf("request %s in thread %+v (Submit returned %+v), want succeeded in the card's %+v", got.State, got.Thread, r.Thread, card)
	}
	if diff := cmp.Diff([]string{"submitted", "approved", "running", "succeeded"}, h.events(r.ID)); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
	for _, n := range h.note.all() {
		if n.ID == r.ID && n.Thread != card {
			t.Errorf("the %s notice went to %+v, not the card's thread %+v", n.Kind, n.Thread, card)
		}
	}
}

// TestSubmitDoesNotReadTheRequestBack: saving the card's thread starts from the version the
// submission created, without reading the request from the store.
func TestSubmitDoesNotReadTheRequestBack(t *testing.T) {
	h := newHarness(t)
	before := h.store.reads()
	r, err := h.svc.Submit(t.Context(), sub(prod, policy.ActionReset))
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if got := h.store.reads() - before; got != 0 {
		t.Errorf("Submit read the request %d times, want none", got)
	}
	if got := h.get(r.ID); got.State != approval.StatePending || got.Thread.TS == "" {
		t.Fatalf("stored %s with thread %+v, want pending with the card's", got.State, got.Thread)
	}
}

// otherReplica is a second Service on h's store, policy, directory and notifier, as another
// replica of the bot.
func otherReplica(t *testing.T, h *harness) *approval.Service {
	t.Helper()
	cfg := h.cfg
	cfg.Owner = "test-2"
	other, err := approval.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(other.Wait)
	return other
}
