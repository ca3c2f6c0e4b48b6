package approval_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

func TestQueueOf(t *testing.T) {
	h := newHarness(t)
	requester := policy.Approver{User: "U0REQ0001", Groups: requesterGroups}
	queue := func(a policy.Approver) map[string][]string {
		t.Helper()
		q, err := h.svc.QueueOf(t.Context(), a)
		if err != nil {
			t.Fatalf("QueueOf(%s): %v", a.User, err)
		}
		got := map[string][]string{}
		for name, rs := range map[string][]*approval.Request{"waiting": q.Waiting, "mine": q.Mine, "decided": q.Decided} {
			if len(rs) > 0 {
				got[name] = ids(rs)
			}
		}
		return got
	}
	check := func(step string, a policy.Approver, want map[string][]string) {
		t.Helper()
		if diff := cmp.Diff(queue(a), want); diff != "" {
			t.Errorf("%s: queue of %s (-got +want):\n%s", step, a.User, diff)
		}
	}

	one := h.submit(sub(prod, policy.ActionReset))
	h.clock.Advance(time.Minute)
	two := h.submit(sub(dual, policy.ActionReset))
	check("submitted", lead2, map[string][]string{"waiting": {one.ID, two.ID}})
	check("submitted", lead1, map[string][]string{"waiting": {one.ID}}) // dual needs @leads
	check("submitted", outsider, map[string][]string{})
	check("submitted", requester, map[string][]string{"mine": {one.ID, two.ID}})

	h.approve(one.ID, lead2)
	check("one approved and run", lead2, map[string][]string{"waiting": {two.ID}, "decided": {one.ID}})
	check("one approved and run", requester, map[string][]string{"mine": {two.ID}})

	h.clock.Advance(time.Minute)
	h.approve(two.ID, lead2) // 1 of 2
	check("two half approved", lead2, map[string][]string{"decided": {two.ID, one.ID}})
	check("two half approved", lead3, map[string][]string{"waiting": {two.ID}})

	three := h.submit(sub(prod, policy.ActionReset))
	if _, err := h.svc.Deny(t.Context(), three.ID, lead3, "no"); err != nil {
		t.Fatalf("Deny: %v", err)
	}
	check("three denied", lead3, map[string][]string{"waiting": {two.ID}, "decided": {three.ID}})

	h.clock.Advance(25 * time.Hour) // past the expiry of two
	check("two expired", lead3, map[string][]string{"decided": {three.ID}})
}

func TestQueueOfListsTheLastTenDecisions(t *testing.T) {
	h := newHarness(t)
	var want []string
	for range approval.DecidedLimit + 2 {
		r := h.submit(sub(prod, policy.ActionReset))
		h.approve(r.ID, lead1)
		want = append([]string{r.ID}, want...)
		h.clock.Advance(time.Minute)
	}
	q, err := h.svc.QueueOf(t.Context(), lead1)
	if err != nil {
		t.Fatalf("QueueOf: %v", err)
	}
	if diff := cmp.Diff(ids(q.Decided), want[:approval.DecidedLimit]); diff != "" {
		t.Errorf("decided (-got +want):\n%s", diff)
	}
}

// TestQueueOfListsTheOldestAndCountsTheRest: with more open than a list holds, Waiting and
// Mine list the ListLimit oldest and count them all.
func TestQueueOfListsTheOldestAndCountsTheRest(t *testing.T) {
	h := newHarness(t)
	first := h.submit(sub(prod, policy.ActionReset))
	want := []string{first.ID}
	for i := 1; i < approval.ListLimit+5; i++ {
		r := *first
		r.ID, r.CreatedAt = fmt.Sprintf("%s-%02d", first.ID, i), first.CreatedAt.Add(time.Duration(i)*time.Minute)
		if err := h.db.Create(t.Context(), &r); err != nil {
			t.Fatalf("Create: %v", err)
		}
		want = append(want, r.ID)
	}
	lead, err := h.svc.QueueOf(t.Context(), lead1)
	if err != nil {
		t.Fatalf("QueueOf(lead): %v", err)
	}
	mine, err := h.svc.QueueOf(t.Context(), policy.Approver{User: first.Requester, Groups: requesterGroups})
	if err != nil {
		t.Fatalf("QueueOf(requester): %v", err)
	}
	type list struct {
		IDs   []string
		Total int
	}
	got := map[string]list{"waiting": {ids(lead.Waiting), lead.WaitingTotal}, "mine": {ids(mine.Mine), mine.MineTotal}}
	wantLists := map[string]list{"waiting": {want[:approval.ListLimit], len(want)}, "mine": {want[:approval.ListLimit], len(want)}}
	if diff := cmp.Diff(got, wantLists); diff != "" {
		t.Errorf("lists (-got +want):\n%s", diff)
	}
}

func ids(rs []*approval.Request) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

// TestQueuesOf: the queues of several people read together are each what QueueOf says.
func TestQueuesOf(t *testing.T) {
	h := newHarness(t)
	requester := policy.Approver{User: "U0REQ0001", Groups: requesterGroups}
	one := h.submit(sub(prod, policy.ActionReset))
	h.clock.Advance(time.Minute)
	h.submit(sub(dual, policy.ActionReset))
	h.approve(one.ID, lead2)
	people := []policy.Approver{lead1, lead2, lead3, outsider, requester}
	got, err := h.svc.QueuesOf(t.Context(), people...)
	if err != nil {
		t.Fatalf("QueuesOf: %v", err)
	}
	if len(got) != len(people) {
		t.Fatalf("%d queues for %d people", len(got), len(people))
	}
	for i, a := range people {
		want, err := h.svc.QueueOf(t.Context(), a)
		if err != nil {
			t.Fatalf("QueueOf(%s): %v", a.User, err)
		}
		for name, pair := range map[string][2][]*approval.Request{
			"waiting": {got[i].Waiting, want.Waiting}, "mine": {got[i].Mine, want.Mine}, "decided": {got[i].Decided, want.Decided},
		} {
			if diff := cmp.Diff(ids(pair[0]), ids(pair[1])); diff != "" {
				t.Errorf("%s of %s (-together +alone):\n%s", name, a.User, diff)
			}
		}
	}
}
