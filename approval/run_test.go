package approval_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

func TestRunOutcomes(t *testing.T) {
	tests := []struct {
		action    policy.Action
		target    string
		state     approval.State
		code      string
		contains  []string
		followUp  policy.Action
		status    string // the user's status at the fake afterwards
		secret    bool
		validDays int
	}{
		{action: policy.ActionReset, target: "alice", state: approval.StateSucceeded, status: "RESET_REQUIRED",
			contains: []string{"Password reset for alice", "Cognito sent a code to the verified email a***e@example.com", "complete forgot-password"}},
		{action: policy.ActionReset, target: "bob", state: approval.StateFailed, code: approval.ENOVERIFIEDCONTACT, status: "CONFIRMED",
			contains: []string{"reset for bob failed", "no verified email or phone", "with a verify-email request"}, followUp: policy.ActionVerifyEmail},
		{action: policy.ActionReset, target: "carol", state: approval.StateFailed, code: approval.ENOVERIFIEDCONTACT,
			contains: []string{"with a verify-phone request"}, followUp: policy.ActionVerifyPhone, status: "CONFIRMED"},
		{action: policy.ActionTempPassword, target: "alice", state: approval.StateSucceeded, status: "FORCE_CHANGE_PASSWORD", secret: true, validDays: 7,
			contains: []string{"Temporary password set for alice and shown to the requester privately", "within 7 days", "must choose a new password"}},
		{action: policy.ActionPermanentPassword, target: "alice", state: approval.StateSucceeded, status: "CONFIRMED", secret: true,
			contains: []string{"Permanent password set for alice", "does not expire"}},
		{action: policy.ActionVerifyEmail, target: "bob", state: approval.StateSucceeded, status: "CONFIRMED",
			contains: []string{"The email address of bob (b***b@example.com) is now marked verified"}},
		{action: policy.ActionVerifyPhone, target: "carol", state: approval.StateSucceeded, status: "CONFIRMED",
			contains: []string{"The phone number of carol (+1******0123) is now marked verified"}},
		{action: policy.ActionSignOut, target: "alice", state: approval.StateSucceeded, status: "CONFIRMED",
			contains: []string{"Signed alice out of every session", "sign in again"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s", tt.action, tt.target), func(t *testing.T) {
			h := newHarness(t)
			s := sub(dev, tt.action)
			s.Target = tt.target
			r := h.submit(s)
			if r.State != tt.state || r.ErrorCode != tt.code {
				t.Fatalf("state %s code %q, want %s %q; outcome %q", r.State, r.ErrorCode, tt.state, tt.code, r.Outcome)
			}
			for _, want := range tt.contains {
				if !strings.Contains(r.Outcome, want) {
					t.Errorf("outcome %q lacks %q", r.Outcome, want)
				}
			}
			n := h.note.last(r.ID)
			wantKind := approval.NoticeSucceeded
			if tt.state == approval.StateFailed {
				wantKind = approval.NoticeFailed
			}
			if n.Kind != wantKind || n.Text != r.Outcome || n.FollowUp != tt.followUp {
				t.Errorf("last notice %+v, want %s with the outcome and follow-up %q", n, wantKind, tt.followUp)
			}
			if got := h.dir.user(dev.ID, tt.target).Status; got != tt.status {
				t.Errorf("user status %s, want %s", got, tt.status)
			}
			secrets := h.note.delivered()
			if !tt.secret {
				if len(secrets) != 0 {
					t.Errorf("%d secrets delivered for %s", len(secrets), tt.action)
				}
				return
			}
			if len(secrets) != 1 {
				t.Fatalf("%d secrets delivered, want 1", len(secrets))
			}
			got := secrets[0]
			if got.ID != r.ID || got.Requester != "U0REQ0001" || got.Password.Reveal() != secretFor(1) || got.ValidDays != tt.validDays {
				t.Errorf("delivered %+v", got)
			}
			if !strings.Contains(got.Advice, "never in Slack") {
				t.Errorf("advice %q", got.Advice)
			}
			if strings.Contains(r.Outcome, got.Password.Reveal()) || r.AWSRequestID != "aws-1" {
				t.Errorf("outcome %q, aws id %q", r.Outcome, r.AWSRequestID)
			}
		})
	}
}

func TestRunFailureNextSteps(t *testing.T) {
	tests := []struct {
		err      error
		code     string
		contains string
	}{
		{&approval.Error{Code: approval.EPASSWORD, Message: "The password did not satisfy the pool's policy."}, approval.EPASSWORD, "password policy"},
		{&approval.Error{Code: approval.EIAM, Message: "The bot may not call Cognito."}, approval.EIAM, "IAM policy"},
		{&approval.Error{Code: approval.ETHROTTLED, Message: "Cognito throttled the call."}, approval.ETHROTTLED, "in a few minutes"},
		{&approval.Error{Code: approval.EDELIVERY, Message: "Cognito could not deliver the code."}, approval.EDELIVERY, "contact details"},
		{&approval.Error{Code: approval.EPOOLNOTFOUND, Message: "No such pool."}, approval.EPOOLNOTFOUND, "pool in the policy file"},
		{&approval.Error{Code: "brand_new_code", Message: "Something new."}, "brand_new_code", "try again later"},
		{errors.New("operation error Cognito Identity Provider: AdminResetUserPassword, https response error StatusCode: 500"), approval.EINTERNAL,
			"Something went wrong on our side"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			h := newHarness(t)
			h.dir.setFail(string(policy.ActionReset), tt.err)
			r := h.submit(sub(dev, policy.ActionReset))
			if r.State != approval.StateFailed || r.ErrorCode != tt.code {
				t.Fatalf("state %s code %q", r.State, r.ErrorCode)
			}
			if !strings.Contains(r.Outcome, tt.contains) || !strings.HasPrefix(r.Outcome, "reset for alice failed: ") {
				t.Errorf("outcome %q, want it to contain %q", r.Outcome, tt.contains)
			}
			if strings.Contains(r.Outcome, "StatusCode") {
				t.Errorf("outcome shows an internal error: %q", r.Outcome)
			}
			if r.AWSRequestID != "aws-1" {
				t.Errorf("aws request id %q of the failed call not kept", r.AWSRequestID)
			}
			_, _, ran := h.obs.counts()
			if ran["reset/failed"] != 1 {
				t.Errorf("observer runs %v", ran)
			}
		})
	}
}

func TestRunRefusesWhenTheUserChanged(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	// alice was deleted and a new alice made: same name, another account.
	h.dir.edit(prod.ID, "alice", func(u *approval.User) { u.Sub = "sub-new-alice" })
	r = h.approve(r.ID, lead1)
	if r.State != approval.StateFailed || r.ErrorCode != approval.ECONFLICT {
		t.Fatalf("state %s code %q", r.State, r.ErrorCode)
	}
	if !strings.Contains(r.Outcome, "alice is no longer the account the request was made for") {
		t.Errorf("outcome %q", r.Outcome)
	}
	if got := h.dir.Calls("run"); got != 0 {
		t.Errorf("ran on another account")
	}
}

func TestRunRefusesWhenTheTargetBecameAnAdmin(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	h.dir.edit(prod.ID, "alice", func(u *approval.User) { u.Groups = append(u.Groups, "admins") })
	r = h.approve(r.ID, lead1)
	if r.State != approval.StateFailed || r.ErrorCode != approval.EFORBIDDEN {
		t.Fatalf("state %s code %q", r.State, r.ErrorCode)
	}
	if !strings.Contains(r.Outcome, "Not run: since it was approved, the policy no longer allows it (Admin accounts are reset by the security team)") {
		t.Errorf("outcome %q", r.Outcome)
	}
	if got := h.dir.Calls("run"); got != 0 {
		t.Errorf("ran against the policy")
	}
}

func TestRunRefusesWhenTheUserIsGone(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	h.dir.mu.Lock()
	delete(h.dir.users[prod.ID], "alice")
	h.dir.mu.Unlock()
	r = h.approve(r.ID, lead1)
	if r.State != approval.StateFailed || r.ErrorCode != approval.ENOTFOUND {
		t.Fatalf("state %s code %q", r.State, r.ErrorCode)
	}
	if !strings.Contains(r.Outcome, "the user may have been deleted") {
		t.Errorf("outcome %q", r.Outcome)
	}
}

func TestRunRefusesWhenThePolicyNeedsMoreApprovalsNow(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	// The process stopped between the last approval and the claim.
	r = h.get(r.ID)
	r.State = approval.StateApproved
	r.Approvals = []approval.Approval{{By: "U0LEAD001", At: t0}}
	if err := h.db.Update(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	// Meanwhile the rule was tightened to two approvals.
	h.setPolicy(strings.Replace(testPolicy, "approvals: 1\n    expires_after: 4h", "approvals: 2\n    expires_after: 4h", 1))
	h.clock.Advance(3 * time.Minute)
	h.sweep()
	r = h.get(r.ID)
	if r.State != approval.StateFailed || r.ErrorCode != approval.EFORBIDDEN {
		t.Fatalf("state %s code %q", r.State, r.ErrorCode)
	}
	if !strings.Contains(r.Outcome, "Not run: the policy now needs 2 approvals and it had 1.") {
		t.Errorf("outcome %q", r.Outcome)
	}
	if got := h.dir.Calls("run"); got != 0 {
		t.Errorf("ran with too few approvals")
	}
}

func TestRunSignsOutToo(t *testing.T) {
	h := newHarness(t)
	s := sub(dev, policy.ActionReset)
	s.SignOut = true
	r := h.submit(s)
	if r.State != approval.StateSucceeded || !strings.HasSuffix(r.Outcome, "They were also signed out of every session.") {
		t.Fatalf("state %s, outcome %q", r.State, r.Outcome)
	}
	if got := h.dir.Calls("signout"); got != 1 {
		t.Errorf("%d sign-outs", got)
	}
	// Each Cognito call is in the audit trail with its own request id.
	if diff := cmp.Diff(auditCalls(h.eventList(r.ID)), []string{"running ", "signed_out aws-2", "succeeded aws-1"}); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}
}

// auditCalls lists events as "kind aws-request-id".
func auditCalls(es []approval.Event) []string {
	out := []string{}
	for _, e := range es {
		if e.Kind == "submitted" || e.Kind == "approved" {
			continue
		}
		out = append(out, e.Kind+" "+e.AWSRequestID)
	}
	return out
}

func TestRunSignOutFails(t *testing.T) {
	h := newHarness(t)
	h.dir.setFail("signout", &approval.Error{Code: approval.ETHROTTLED, Message: "Cognito is throttling calls."})
	s := sub(dev, policy.ActionReset)
	s.SignOut = true
	r := h.submit(s)
	if r.State != approval.StateSucceeded {
		t.Fatalf("state %s", r.State)
	}
	if !strings.Contains(r.Outcome, "Signing them out of every session failed (Cognito is throttling calls) Make a signout request.") {
		t.Errorf("outcome %q", r.Outcome)
	}
	es := h.eventList(r.ID)
	if diff := cmp.Diff(auditCalls(es), []string{"running ", "sign_out_failed ", "succeeded aws-1"}); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}
	for _, e := range es {
		if e.Kind == "sign_out_failed" && (e.Detail != approval.ETHROTTLED || e.Outcome != "Cognito is throttling calls.") {
			t.Errorf("sign-out failure event %+v", e)
		}
	}
}

func TestRunSecretNotDelivered(t *testing.T) {
	h := newHarness(t)
	h.note.secretErr = errors.New("slack: user_not_in_channel")
	r := h.submit(sub(dev, policy.ActionTempPassword))
	if r.State != approval.StateFailed || r.ErrorCode != approval.EINTERNAL {
		t.Fatalf("state %s code %q", r.State, r.ErrorCode)
	}
	if !strings.Contains(r.Outcome, "could not be shown to the requester privately, so nobody knows it") {
		t.Errorf("outcome %q", r.Outcome)
	}
	logs := h.logs.String()
	if !strings.Contains(logs, "password not delivered") || !strings.Contains(logs, "[REDACTED]") {
		t.Errorf("the delivery failure was not logged redacted:\n%s", logs)
	}
	if strings.Contains(logs, secretFor(1)) {
		t.Errorf("the password is in the log")
	}
}

func TestDryRun(t *testing.T) {
	h := newHarness(t, func(c *approval.Config) { c.DryRun = true })
	r := h.submit(sub(dev, policy.ActionTempPassword))
	if r.State != approval.StateSucceeded || !r.DryRun {
		t.Fatalf("state %s dry run %v", r.State, r.DryRun)
	}
	if !strings.HasPrefix(r.Outcome, "DRY RUN: nothing was changed in Cognito.") {
		t.Errorf("outcome %q", r.Outcome)
	}
	if got := h.dir.Calls("run"); got != 0 {
		t.Errorf("a dry run called Cognito %d times", got)
	}
	if got := h.dir.Calls("lookup"); got != 2 {
		t.Errorf("a dry run looked the user up %d times, want 2 (submit and run)", got)
	}
	if len(h.note.delivered()) != 0 {
		t.Error("a dry run delivered a secret")
	}
	_, _, ran := h.obs.counts()
	if diff := cmp.Diff(ran, map[string]int{"temp-password/dry_run": 1}); diff != "" {
		t.Errorf("observer (-got +want):\n%s", diff)
	}
}

// TestRunResultWrittenWhenTheStoreComesBack: the store fails the first writes of a run's
// result (it is briefly away); the run keeps trying within its lease, so the result is recorded
// and told once, and no sweep reports the run interrupted after.
func TestRunResultWrittenWhenTheStoreComesBack(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	h.dir.hold = func(context.Context) { h.store.failTimes("Update", 3, errBoom) }
	got, err := h.svc.Approve(t.Context(), r.ID, lead1)
	if err != nil || got.State != approval.StateSucceeded {
		t.Fatalf("Approve: %+v, %v", got, err)
	}
	h.clock.Advance(time.Hour)
	if err := h.second("test-2").Sweep(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := h.get(r.ID).State; got != approval.StateSucceeded {
		t.Errorf("state %s after a sweep, want succeeded", got)
	}
	if diff := cmp.Diff(h.note.kinds(r.ID), []approval.NoticeKind{
		approval.NoticeApproved, approval.NoticeRunning, approval.NoticeSucceeded,
	}); diff != "" {
		t.Errorf("notices (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(h.events(r.ID), []string{"submitted", "approved", "running", "succeeded"}); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}
	if n := strings.Count(h.logs.String(), "run result not written yet"); n != 3 {
		t.Errorf("%d retries logged, want 3", n)
	}
}

// TestRunResultNotRecordedWithinItsLease: the store fails every write of a run's result until
// the run's lease has run out. The run gives up without telling an outcome; once the store is
// back, the sweeper marks it interrupted: one outcome, never done and interrupted both. The
// audit trail keeps what really happened.
func TestRunResultNotRecordedWithinItsLease(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	h.dir.hold = func(context.Context) {
		h.store.setFail("Update", errBoom)
		h.store.setOnFail(func(string) { h.clock.Advance(time.Minute) })
	}
	_, err := h.svc.Approve(t.Context(), r.ID, lead1)
	wantCode(t, err, approval.EINTERNAL)
	if got := h.dir.Calls("run"); got != 1 {
		t.Fatalf("%d runs", got)
	}
	if got := h.get(r.ID).State; got != approval.StateRunning {
		t.Errorf("state %s, want running (for the sweeper to mark interrupted)", got)
	}
	h.store.setOnFail(nil)
	h.store.setFail("Update", nil)
	if err := h.svc.Sweep(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := h.get(r.ID).State; got != approval.StateInterrupted {
		t.Errorf("state %s after the sweep, want interrupted", got)
	}
	if diff := cmp.Diff(h.note.kinds(r.ID), []approval.NoticeKind{
		approval.NoticeApproved, approval.NoticeRunning, approval.NoticeInterrupted,
	}); diff != "" {
		t.Errorf("notices (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(h.events(r.ID), []string{"submitted", "approved", "running", "result_not_recorded", "interrupted"}); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}
	if last := h.eventList(r.ID)[3]; last.Detail != "succeeded" || last.AWSRequestID == "" {
		t.Errorf("result_not_recorded event %+v, want the success and its AWS request id", last)
	}
}

// TestRunNotStartedAfterItsLease: looking the user up again took longer than the run's lease
// (Cognito was slow), so another process's sweeper may already have marked the run
// interrupted. The Cognito action must not start then. The lookup starts with the write that
// claims the run, so the run waits for it even when the lease ran out before the run started
// (the claim's write was slow): the sweeper's Interrupted is then the one outcome told, and
// nothing the approval started is still running when it is answered.
func TestRunNotStartedAfterItsLease(t *testing.T) {
	for _, tt := range []struct {
		name  string
		sweep bool // another process sweeps once the lease ran out, before the lookup answers
		early bool // the lease runs out while the claim is written, before the run starts
		state approval.State
	}{
		{"recorded as failed", false, false, approval.StateFailed},
		{"already interrupted", true, false, approval.StateInterrupted},
		{"ran out before the run started", true, true, approval.StateInterrupted},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			other := h.second("test-2")
			r := h.submit(sub(prod, policy.ActionReset))
			if tt.early {
				h.store.setBeforeWrite(func(w *approval.Request) {
					if w.State == approval.StateRunning {
						h.clock.Advance(3 * time.Minute)
					}
				})
			}
			h.dir.mu.Lock()
			h.dir.holdLookup = func(ctx context.Context) {
				// The lookup starts alongside the write that claims the run: it is slower than
				// the lease from the claim on.
				for !slices.Contains(h.store.statesWritten(r.ID), approval.StateRunning) && ctx.Err() == nil {
					time.Sleep(time.Millisecond)
				}
				if !tt.early {
					h.clock.Advance(3 * time.Minute)
				}
				if tt.sweep {
					if err := other.Sweep(t.Context()); err != nil {
						t.Errorf("Sweep: %v", err)
					}
				}
			}
			h.dir.mu.Unlock()
			_, err := h.svc.Approve(t.Context(), r.ID, lead1)
			if got := h.dir.Calls("run"); got != 0 {
				t.Fatalf("the action ran %d times after its lease ran out", got)
			}
			got := h.get(r.ID)
			if got.State != tt.state {
				t.Fatalf("state %s, want %s; outcome %q; err %v", got.State, tt.state, got.Outcome, err)
			}
			if tt.sweep {
				// The sweeper's Interrupted is the one outcome told; the audit trail has the rest.
				// "Running" is posted while the user is looked up, so before or after the
				// sweeper's notice.
				kinds := h.note.kinds(r.ID)
				slices.Sort(kinds)
				want := []approval.NoticeKind{approval.NoticeApproved, approval.NoticeInterrupted, approval.NoticeRunning}
				slices.Sort(want)
				if diff := cmp.Diff(kinds, want); diff != "" {
					t.Errorf("notices (-got +want): the interruption is the one outcome\n%s", diff)
				}
				events := h.eventList(r.ID)
				if last := events[len(events)-1]; last.Kind != "result_not_recorded" ||
					!strings.Contains(last.Outcome, "its claim on the run ran out, so nothing was changed in Cognito") {
					t.Errorf("last event %+v", last)
				}
				return
			}
			if n := h.note.last(r.ID); !strings.Contains(n.Text, "its claim on the run ran out, so nothing was changed in Cognito") {
				t.Errorf("last notice %+v", n)
			}
		})
	}
}

// A reset or a verification is bound to the addresses the approvers saw: when the user's email
// or phone changed after submit, it does not run; actions that do not use them still do.
func TestRunRefusedWhenTheAddressesChanged(t *testing.T) {
	for _, tt := range []struct {
		action policy.Action
		change func(u *approval.User)
		runs   bool
	}{
		{policy.ActionReset, func(u *approval.User) { u.Email = "mallory@example.net" }, false},
		{policy.ActionVerifyEmail, func(u *approval.User) { u.Email = "mallory@example.net" }, false},
		{policy.ActionVerifyPhone, func(u *approval.User) { u.Phone = "+15550000000" }, false},
		{policy.ActionTempPassword, func(u *approval.User) { u.Email = "mallory@example.net" }, true},
		{policy.ActionReset, func(u *approval.User) { u.Groups = append(u.Groups, "customers") }, true},
	} {
		t.Run(string(tt.action), func(t *testing.T) {
			h := newHarness(t)
			r := h.submit(sub(prod, tt.action))
			h.dir.edit(prod.ID, "alice", tt.change)
			r, err := h.svc.Approve(t.Context(), r.ID, lead1)
			if err != nil {
				t.Fatalf("Approve: %v", err)
			}
			if got := h.dir.Calls("run") == 1; got != tt.runs {
				t.Fatalf("ran = %v, want %v (state %s, outcome %q)", got, tt.runs, r.State, r.Outcome)
			}
			if !tt.runs && (r.State != approval.StateFailed || r.ErrorCode != approval.ECONFLICT ||
				!strings.Contains(r.Outcome, "changed since the request was made")) {
				t.Errorf("state %s, code %s, outcome %q", r.State, r.ErrorCode, r.Outcome)
			}
		})
	}
}

// fakeMembership is Slack's user groups as they are now.
type fakeMembership struct {
	mu     sync.Mutex
	groups map[string][]string
	err    error
}

func (m *fakeMembership) GroupsOf(_ context.Context, user string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.groups[user]), m.err
}

func (m *fakeMembership) set(user string, groups []string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.groups[user], m.err = groups, err
}

// Before running, the policy is asked again with the requester's groups as they are now: a
// requester removed from the groups the rule names since submitting does not get the action
// run, and groups that cannot be read stop the run rather than let it through.
func TestRunChecksTheRequesterGroupsOfNow(t *testing.T) {
	for _, tt := range []struct {
		name   string
		groups []string
		err    error
		runs   bool
		code   string
		says   string
	}{
		{"still in support", requesterGroups, nil, true, "", ""},
		{"left support", []string{"@sales"}, nil, false, approval.EFORBIDDEN, "Not run: since it was approved"},
		{"groups unreadable", nil, errors.New("usergroups.list: ratelimited"), false, approval.EINTERNAL, "could not read the requester's Slack user groups"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := &fakeMembership{groups: map[string][]string{"U0REQ0001": requesterGroups}}
			h := newHarness(t, func(c *approval.Config) { c.Membership = m })
			r := h.submit(sub(prod, policy.ActionReset))
			m.set("U0REQ0001", tt.groups, tt.err)
			r, err := h.svc.Approve(t.Context(), r.ID, lead1)
			if err != nil {
				t.Fatalf("Approve: %v", err)
			}
			if ran := h.dir.Calls("run") == 1; ran != tt.runs {
				t.Fatalf("ran = %v, want %v (state %s, outcome %q)", ran, tt.runs, r.State, r.Outcome)
			}
			if !tt.runs && (r.State != approval.StateFailed || r.ErrorCode != tt.code || !strings.Contains(r.Outcome, tt.says)) {
				t.Errorf("state %s, code %s, outcome %q", r.State, r.ErrorCode, r.Outcome)
			}
			if got := h.get(r.ID).Groups; !slices.Equal(got, requesterGroups) {
				t.Errorf("the request's recorded groups changed to %v", got)
			}
		})
	}
}

// TestRunDoesNotWaitForTheRunningNotice: the run looks the user up while "Running" is still
// being posted (Slack is slow), and its result is told after "Running" all the same.
func TestRunDoesNotWaitForTheRunningNotice(t *testing.T) {
	h := newHarness(t)
	r := h.submit(sub(prod, policy.ActionReset))
	looked := make(chan struct{})
	h.dir.mu.Lock()
	h.dir.holdLookup = func(context.Context) { close(looked) }
	h.dir.mu.Unlock()
	h.note.onNotify = func(_ *approval.Request, n approval.Notice) {
		if n.Kind != approval.NoticeRunning {
			return
		}
		select {
		case <-looked:
		case <-time.After(time.Minute):
			t.Error("the run waited for its notice to be posted before looking the user up")
		}
	}
	got, err := h.svc.Approve(t.Context(), r.ID, lead1)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != approval.StateSucceeded || h.dir.Calls("run") != 1 {
		t.Errorf("state %s, %d runs", got.State, h.dir.Calls("run"))
	}
	if diff := cmp.Diff(h.note.kinds(r.ID), []approval.NoticeKind{
		approval.NoticeApproved, approval.NoticeRunning, approval.NoticeSucceeded,
	}); diff != "" {
		t.Errorf("notices (-got +want):\n%s", diff)
	}
}
