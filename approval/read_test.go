package approval_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

func TestStatus(t *testing.T) {
	h := newHarness(t)
	h.submit(sub(prod, policy.ActionReset))
	s := sub(prod, "")
	s.Target = "carol"
	got, err := h.svc.Status(t.Context(), s)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	want := approval.StatusReport{
		Pool: prod,
		Target: approval.Target{Ref: "carol", Username: "carol", Sub: "sub-carol", Status: "CONFIRMED", Enabled: true,
			PhoneMasked: "+1******0123"},
		Enabled: true, Created: created, Modified: created, Recent: 0, Rule: "support-read",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Status (-got +want):\n%s", diff)
	}
	s.Target = "alice@example.com"
	got, err = h.svc.Status(t.Context(), s)
	if err != nil || got.Recent != 1 || got.Target.EmailMasked != "a***e@example.com" {
		t.Errorf("Status of alice: %+v, %v", got, err)
	}
	es := h.eventList("")
	if len(es) != 2 || es[0].Kind != "status" || es[0].Actor != "U0REQ0001" || es[0].Detail != "pool=prod target=carol" {
		t.Errorf("audit %+v", es)
	}
}

func TestStatusRefusals(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *approval.Submission)
		code   string
		audit  int
	}{
		{"other action", func(s *approval.Submission) { s.Action = policy.ActionReset }, approval.EINVALID, 0},
		{"not a reader", func(s *approval.Submission) { s.Groups = nil }, approval.EFORBIDDEN, 1},
		{"admin", func(s *approval.Submission) { s.Target = "root" }, approval.EFORBIDDEN, 1},
		{"unknown user: the look is audited", func(s *approval.Submission) { s.Target = "nobody" }, approval.ENOTFOUND, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			s := sub(prod, policy.ActionStatus)
			tt.mutate(&s)
			_, err := h.svc.Status(t.Context(), s)
			wantCode(t, err, tt.code)
			if es := h.eventList(""); len(es) != tt.audit {
				t.Errorf("%d audit events, want %d: %+v", len(es), tt.audit, es)
			}
		})
	}
}

func TestStatusStoreDown(t *testing.T) {
	h := newHarness(t)
	h.store.setFail("CountByTarget", errBoom)
	_, err := h.svc.Status(t.Context(), sub(prod, policy.ActionStatus))
	wantCode(t, err, approval.EINTERNAL)
}

func TestHistory(t *testing.T) {
	h := newHarness(t)
	var ids []string
	for i := range 12 {
		ids = append(ids, h.submit(another(sub(prod, policy.ActionReset), i)).ID)
		h.clock.Advance(time.Minute)
	}
	other := sub(prod, policy.ActionReset)
	other.Target = "carol"
	h.submit(other)

	rs, err := h.svc.History(t.Context(), sub(prod, policy.ActionHistory))
	if err != nil {
		t.Fatalf("History: %v", err)
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.ID)
	}
	want := []string{}
	for i := 11; i >= 2; i-- {
		want = append(want, ids[i])
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("History ids (-got +want):\n%s", diff)
	}
	es := h.eventList("")
	if len(es) != 1 || es[0].Kind != "history" || es[0].Detail != "pool=prod target=alice requests=10" {
		t.Errorf("audit %+v", es)
	}
}

func TestHistoryOfADeletedUser(t *testing.T) {
	h := newHarness(t)
	s := sub(prod, policy.ActionReset)
	s.Target = "bob"
	r := h.submit(s)
	h.dir.mu.Lock()
	delete(h.dir.users[prod.ID], "bob")
	h.dir.mu.Unlock()
	s.Action = policy.ActionHistory
	rs, err := h.svc.History(t.Context(), s)
	if err != nil || len(rs) != 1 || rs[0].ID != r.ID {
		t.Errorf("History of a deleted user: %v, %v", rs, err)
	}
}

func TestHistoryRefusals(t *testing.T) {
	for _, tt := range []struct {
		name  string
		setup func(h *harness, s *approval.Submission)
		code  string
	}{
		{"not a reader", func(_ *harness, s *approval.Submission) { s.Groups = nil }, approval.EFORBIDDEN},
		{"other action", func(_ *harness, s *approval.Submission) { s.Action = policy.ActionStatus }, approval.EINVALID},
		{"directory down", func(h *harness, _ *approval.Submission) {
			h.dir.setFail("lookup", &approval.Error{Code: approval.ETHROTTLED, Message: "slow down"})
		}, approval.ETHROTTLED},
		{"store down", func(h *harness, _ *approval.Submission) { h.store.setFail("History", errBoom) }, approval.EINTERNAL},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			s := sub(prod, policy.ActionHistory)
			tt.setup(h, &s)
			_, err := h.svc.History(t.Context(), s)
			wantCode(t, err, tt.code)
		})
	}
}

// Every read-only lookup is audited, the ones that found nobody too, and one requester's
// lookups have a limit of their own (per_requester_lookups): over it, nothing is looked up in
// Cognito, and the refusal is audited.
func TestLookupsAreAuditedAndLimited(t *testing.T) {
	h := newHarness(t)
	h.setPolicy(strings.Replace(testPolicy, "  - name: support-read\n    actions: [status, history]\n    requesters: [\"@support\"]\n",
		"  - name: support-read\n    actions: [status, history]\n    requesters: [\"@support\"]\n    limits: {per_requester_lookups: {max: 3, window: 1h}}\n", 1))
	ctx := t.Context()
	status := func(target string) error {
		s := sub(prod, policy.ActionStatus)
		s.Target = target
		_, err := h.svc.Status(ctx, s)
		return err
	}
	if err := status("alice@example.com"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, status("nobody"), approval.ENOTFOUND)
	if _, err := h.svc.History(ctx, sub(prod, policy.ActionHistory)); err != nil {
		t.Fatal(err)
	}
	lookups := h.dir.Calls("lookup")

	err := status("alice@example.com")
	wantCode(t, err, approval.ELIMITED)
	if got, want := approval.ErrorMessage(err), "You have looked up 3 users in the last 1 hour; the policy allows 3. Try again later."; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if got := h.dir.Calls("lookup"); got != lookups {
		t.Errorf("%d lookups in Cognito over the limit", got-lookups)
	}
	var got []string
	for _, e := range h.eventList("") {
		got = append(got, e.Kind+"/"+e.Outcome)
	}
	want := []string{"status/shown", "status/not_found", "history/shown", "rate_limited/limited"}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}

	// Someone else is not limited by it, and an hour later the requester may look again.
	other := sub(prod, policy.ActionStatus)
	other.Requester = "U0REQ0002"
	if _, err := h.svc.Status(ctx, other); err != nil {
		t.Errorf("another requester: %v", err)
	}
	h.clock.Advance(time.Hour + time.Minute)
	if err := status("alice@example.com"); err != nil {
		t.Errorf("an hour later: %v", err)
	}
}
