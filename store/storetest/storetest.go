package storetest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// Run runs the conformance suite; open returns a fresh, empty store (closed by the caller's
// t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) approval.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s approval.Store)
	}{
		{"CreateGet", testCreateGet},
		{"CreateDuplicate", testCreateDuplicate},
		{"CreateLimited", testCreateLimited},
		{"ConcurrentCreateLimited", testConcurrentCreateLimited},
		{"CreateLimitedOpen", testCreateLimitedOpen},
		{"ConcurrentCreateLimitedOpen", testConcurrentCreateLimitedOpen},
		{"GetMissing", testGetMissing},
		{"ReturnedCopies", testReturnedCopies},
		{"Update", testUpdate},
		{"UpdateStale", testUpdateStale},
		{"UpdateMissing", testUpdateMissing},
		{"ConcurrentUpdate", testConcurrentUpdate},
		{"Events", testEvents},
		{"EventsWithChanges", testEventsWithChanges},
		{"ExactText", testExactText},
		{"ScanEvents", testScanEvents},
		{"ScanEventsStops", testScanEventsStops},
		{"ScanEventsWhileWriting", testScanEventsWhileWriting},
		{"NoEventsOnConflict", testNoEventsOnConflict},
		{"NoEventsWhenLimited", testNoEventsWhenLimited},
		{"ClaimEnvelope", testClaimEnvelope},
		{"ConcurrentClaimEnvelope", testConcurrentClaimEnvelope},
		{"UpdateClaiming", testUpdateClaiming},
		{"UpdateClaimingStale", testUpdateClaimingStale},
		{"ConcurrentUpdateClaiming", testConcurrentUpdateClaiming},
		{"MarkDrawn", testMarkDrawn},
		{"UpdateDrawn", testUpdateDrawn},
		{"CardsBehind", testCardsBehind},
		{"ConcurrentMarkDrawn", testConcurrentMarkDrawn},
		{"Due", testDue},
		{"Pending", testPending},
		{"EachPending", testEachPending},
		{"EachPendingStops", testEachPendingStops},
		{"History", testHistory},
		{"Counts", testCounts},
		{"UpdateMovesCounts", testUpdateMovesCounts},
		{"Times", testTimes},
		{"Ping", testPing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

// t0 is the suite's clock: every time is relative to it.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793000, time.UTC)

var prod = policy.Pool{Name: "prod", ID: "eu-west-1_AbCdEf123", Region: "eu-west-1"}

// request is a request with every field set, so that a round trip that drops one shows.
func request(id string) *approval.Request {
	return &approval.Request{
		ID:         id,
		State:      approval.StatePending,
		Team:       "T1",
		Channel:    "C1",
		Requester:  "U1",
		Groups:     []string{"S1", "@support"},
		Pool:       prod,
		Action:     policy.ActionReset,
		SignOut:    true,
		Reason:     "locked out",
		Ticket:     "SUP-123",
		VerifiedBy: "video-call",
		Target: approval.Target{
			Ref: "alice@example.com", Username: "alice", Sub: "sub-alice", Status: "CONFIRMED", Enabled: true,
			EmailMasked: "a***e@example.com", EmailVerified: true, PhoneMasked: "+4*******0123", Groups: []string{"customers"},
		},
		Rule:            "support-resets",
		ApprovalsNeeded: 2,
		Approvers:       []string{"@approvers", "U9"},
		SelfApproval:    false,
		Approvals:       []approval.Approval{{By: "U2", At: t0.Add(time.Minute)}},
		DecidedBy:       "",
		DenyReason:      "",
		CreatedAt:       t0,
		UpdatedAt:       t0.Add(time.Minute),
		ExpiresAt:       t0.Add(24 * time.Hour),
		RemindAt:        t0.Add(time.Hour),
		Reminded:        false,
		LeaseOwner:      "",
		Outcome:         "",
		ErrorCode:       "",
		AWSRequestID:    "",
		DryRun:          false,
		Thread:          approval.Thread{Channel: "C1", TS: "1700000000.000100"},
		Recent:          3,
	}
}

func create(t *testing.T, s approval.Store, r *approval.Request) *approval.Request {
	t.Helper()
	if err := s.Create(t.Context(), r); err != nil {
		t.Fatalf("Create(%s): %v", r.ID, err)
	}
	return r
}

func get(t *testing.T, s approval.Store, id string) *approval.Request {
	t.Helper()
	r, err := s.Get(t.Context(), id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return r
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := approval.ErrorCode(err); got != code {
		t.Errorf("%s: error %v has code %q, want %q", what, err, got, code)
	}
}

func ids(rs []*approval.Request) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func testCreateGet(t *testing.T, s approval.Store) {
	want := request("r-1")
	want.Withdrawn = true
	in := request("r-1")
	in.Withdrawn = true
	in.Version = 42 // Create ignores what the caller had
	create(t, s, in)
	if in.Version != 1 {
		t.Errorf("after Create, Version = %d, want 1", in.Version)
	}
	want.Version = 1
	if diff := cmp.Diff(get(t, s, "r-1"), want); diff != "" {
		t.Errorf("Get after Create (-got +want):\n%s", diff)
	}
}

func testCreateDuplicate(t *testing.T, s approval.Store) {
	create(t, s, request("r-1"))
	dup := request("r-1")
	dup.Reason = "second"
	wantCode(t, "Create of an existing id", s.Create(t.Context(), dup), approval.ECONFLICT)
	if got := get(t, s, "r-1").Reason; got != "locked out" {
		t.Errorf("the duplicate Create overwrote the request: Reason = %q", got)
	}
}

func testCreateLimited(t *testing.T, s approval.Store) {
	// U1 has asked three times about alice: once a day ago, twice in the last hour; a fourth
	// request was withdrawn and a status look is not counted.
	for i, c := range []struct {
		requester, user string
		action          policy.Action
		at              time.Time
		withdrawn       bool
	}{
		{"U1", "alice", policy.ActionReset, t0.Add(-24 * time.Hour), false},
		{"U1", "alice", policy.ActionReset, t0.Add(-time.Hour), false},
		{"U2", "alice", policy.ActionTempPassword, t0.Add(-time.Minute), false},
		{"U1", "bob", policy.ActionReset, t0.Add(-time.Minute), false},
		{"U1", "alice", policy.ActionReset, t0.Add(-time.Minute), true},
		{"U1", "alice", policy.ActionStatus, t0.Add(-time.Minute), false},
	} {
		r := request(fmt.Sprintf("old-%d", i))
		r.Requester, r.Target.Username, r.Action, r.CreatedAt, r.Withdrawn = c.requester, c.user, c.action, c.at, c.withdrawn
		create(t, s, r)
	}
	lastHour := t0.Add(-time.Hour)
	for _, tt := range []struct {
		name   string
		limits []approval.Limit
		want   *approval.LimitError // nil: stored
	}{
		{"no limits", nil, nil},
		{"requester has room", []approval.Limit{{Scope: approval.LimitRequester, Max: 3, Since: lastHour}}, nil},
		{"requester full", []approval.Limit{{Scope: approval.LimitRequester, Max: 2, Since: lastHour}},
			&approval.LimitError{Limit: approval.Limit{Scope: approval.LimitRequester, Max: 2, Since: lastHour}, Count: 2}},
		{"requester full, counting everything", []approval.Limit{{Scope: approval.LimitRequester, Max: 3}},
			&approval.LimitError{Limit: approval.Limit{Scope: approval.LimitRequester, Max: 3}, Count: 3}},
		{"target has room", []approval.Limit{{Scope: approval.LimitTarget, Max: 3, Since: lastHour}}, nil},
		{"target full", []approval.Limit{
			{Scope: approval.LimitRequester, Max: 10, Since: lastHour},
			{Scope: approval.LimitTarget, Max: 2, Since: lastHour},
		}, &approval.LimitError{Limit: approval.Limit{Scope: approval.LimitTarget, Max: 2, Since: lastHour}, Count: 2}},
		{"the first limit reached is told", []approval.Limit{
			{Scope: approval.LimitTarget, Max: 1, Since: lastHour},
			{Scope: approval.LimitRequester, Max: 1, Since: lastHour},
		}, &approval.LimitError{Limit: approval.Limit{Scope: approval.LimitTarget, Max: 1, Since: lastHour}, Count: 2}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := request("new-" + tt.name)
			r.Requester, r.Target.Username, r.CreatedAt = "U1", "alice", t0
			err := s.CreateLimited(t.Context(), r, tt.limits)
			_, getErr := s.Get(t.Context(), r.ID)
			if tt.want == nil {
				if err != nil || getErr != nil {
					t.Fatalf("CreateLimited: %v; Get: %v", err, getErr)
				}
				if r.Version != 1 {
					t.Errorf("Version %d, want 1", r.Version)
				}
				// Stored requests count from now on: take it out of the next cases.
				r.Withdrawn = true
				if err := s.Update(t.Context(), r); err != nil {
					t.Fatalf("Update: %v", err)
				}
				return
			}
			var got *approval.LimitError
			if !errors.As(err, &got) {
				t.Fatalf("CreateLimited: %v, want a *approval.LimitError", err)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("LimitError (-got +want):\n%s", diff)
			}
			wantCode(t, "Get of a refused request", getErr, approval.ENOTFOUND)
		})
	}
	dup := request("old-0")
	wantCode(t, "CreateLimited of an existing id", s.CreateLimited(t.Context(), dup, nil), approval.ECONFLICT)
}

// testConcurrentCreateLimited races 20 requests for one target against a limit of 5: five
// are stored, however the calls interleave.
func testConcurrentCreateLimited(t *testing.T, s approval.Store) {
	const n, max = 20, 5
	limit := []approval.Limit{{Scope: approval.LimitTarget, Max: max, Since: t0.Add(-time.Hour)}}
	var (
		wg              sync.WaitGroup
		mu              sync.Mutex
		stored, refused int
		others          []error
	)
	for i := range n {
		r := request(fmt.Sprintf("r-%02d", i))
		r.Requester = fmt.Sprintf("U%d", i)
		wg.Go(func() {
			err := s.CreateLimited(t.Context(), r, limit)
			var le *approval.LimitError
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				stored++
			case errors.As(err, &le):
				refused++
			default:
				others = append(others, err)
			}
		})
	}
	wg.Wait()
	if len(others) > 0 {
		t.Fatalf("%d creates failed with errors other than the limit, first: %v", len(others), others[0])
	}
	if stored != max || refused != n-max {
		t.Errorf("%d stored and %d refused, want %d and %d", stored, refused, max, n-max)
	}
	if got, err := s.CountByTarget(t.Context(), prod.ID, "alice", time.Time{}); err != nil || got != max {
		t.Errorf("CountByTarget = %d, %v; want %d", got, err, max)
	}
}

// testCreateLimitedOpen: LimitOpen counts the open requests of the same requester for the
// same action on the same user, and nothing else.
func testCreateLimitedOpen(t *testing.T, s approval.Store) {
	open := []approval.Limit{{Scope: approval.LimitOpen, Max: 1}}
	first := request("first")
	first.Requester, first.Target.Username, first.Action = "U1", "alice", policy.ActionReset
	if err := s.CreateLimited(t.Context(), first, open); err != nil {
		t.Fatalf("the first request: %v", err)
	}
	for _, tt := range []struct {
		name     string
		change   func(r *approval.Request)
		refused  bool
		settleTo approval.State // settle the first request before this case ("" leaves it)
	}{
		{"the same one again", func(*approval.Request) {}, true, ""},
		{"another action", func(r *approval.Request) { r.Action = policy.ActionTempPassword }, false, ""},
		{"another user", func(r *approval.Request) { r.Target.Username = "bob" }, false, ""},
		{"another pool", func(r *approval.Request) { r.Pool.ID = "eu-west-1_Other1" }, false, ""},
		{"another requester", func(r *approval.Request) { r.Requester = "U2" }, false, ""},
		{"after the first one's expiry", func(r *approval.Request) { r.CreatedAt = first.ExpiresAt }, false, ""},
		{"while it runs", func(*approval.Request) {}, true, approval.StateRunning},
		{"once it has run", func(*approval.Request) {}, false, approval.StateSucceeded},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.settleTo != "" {
				cur := get(t, s, first.ID)
				cur.State = tt.settleTo
				if err := s.Update(t.Context(), cur); err != nil {
					t.Fatal(err)
				}
			}
			r := request("new-" + tt.name)
			r.Requester, r.Target.Username, r.Action = "U1", "alice", policy.ActionReset
			tt.change(r)
			err := s.CreateLimited(t.Context(), r, open)
			var le *approval.LimitError
			switch {
			case tt.refused && !errors.As(err, &le):
				t.Fatalf("CreateLimited: %v, want a *approval.LimitError", err)
			case tt.refused && (le.Limit.Scope != approval.LimitOpen || le.Count != 1):
				t.Errorf("LimitError %+v, want the open limit with 1 request", le)
			case !tt.refused && err != nil:
				t.Fatalf("CreateLimited: %v", err)
			case !tt.refused:
				r.Withdrawn = true // out of the next cases
				if err := s.Update(t.Context(), r); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// testConcurrentCreateLimitedOpen races 20 identical requests: one is stored.
func testConcurrentCreateLimitedOpen(t *testing.T, s approval.Store) {
	const n = 20
	var (
		wg     sync.WaitGroup
		stored atomic.Int32
	)
	for i := range n {
		r := request(fmt.Sprintf("r-%02d", i))
		wg.Go(func() {
			if err := s.CreateLimited(t.Context(), r, []approval.Limit{{Scope: approval.LimitOpen, Max: 1}}); err == nil {
				stored.Add(1)
			} else if le := (*approval.LimitError)(nil); !errors.As(err, &le) {
				t.Errorf("CreateLimited: %v", err)
			}
		})
	}
	wg.Wait()
	if got := stored.Load(); got != 1 {
		t.Errorf("%d identical requests stored at once, want 1", got)
	}
}

func testGetMissing(t *testing.T, s approval.Store) {
	_, err := s.Get(t.Context(), "r-none")
	wantCode(t, "Get of a missing id", err, approval.ENOTFOUND)
}

func testReturnedCopies(t *testing.T, s approval.Store) {
	in := create(t, s, request("r-1"))
	in.Reason = "changed by the caller after Create"
	got := get(t, s, "r-1")
	got.Approvals[0].By = "changed by the caller after Get"
	got.Groups[0] = "changed"
	want := request("r-1")
	want.Version = 1
	if diff := cmp.Diff(get(t, s, "r-1"), want); diff != "" {
		t.Errorf("the store shares memory with its callers (-got +want):\n%s", diff)
	}
}

func testUpdate(t *testing.T, s approval.Store) {
	create(t, s, request("r-1"))
	r := get(t, s, "r-1")
	r.State = approval.StateRunning
	r.Approvals = append(r.Approvals, approval.Approval{By: "U3", At: t0.Add(2 * time.Minute)})
	r.LeaseOwner = "host-1"
	r.LeaseUntil = t0.Add(5 * time.Minute)
	r.ExpiresAt = time.Time{}
	r.UpdatedAt = t0.Add(2 * time.Minute)
	if err := s.Update(t.Context(), r); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if r.Version != 2 {
		t.Errorf("after Update, Version = %d, want 2", r.Version)
	}
	want := *r
	if diff := cmp.Diff(get(t, s, "r-1"), &want); diff != "" {
		t.Errorf("Get after Update (-got +want):\n%s", diff)
	}
	r.State = approval.StateSucceeded
	r.LeaseUntil = time.Time{}
	r.Outcome = "done"
	r.AWSRequestID = "aws-1"
	if err := s.Update(t.Context(), r); err != nil {
		t.Fatalf("second Update: %v", err)
	}
	if got := get(t, s, "r-1"); got.Version != 3 || got.State != approval.StateSucceeded || got.AWSRequestID != "aws-1" {
		t.Errorf("after the second Update: version %d, state %s, aws id %q", got.Version, got.State, got.AWSRequestID)
	}
}

func testUpdateStale(t *testing.T, s approval.Store) {
	create(t, s, request("r-1"))
	first := get(t, s, "r-1")
	second := get(t, s, "r-1")
	first.State = approval.StateDenied
	if err := s.Update(t.Context(), first); err != nil {
		t.Fatalf("first Update: %v", err)
	}
	second.State = approval.StateCancelled
	err := s.Update(t.Context(), second)
	wantCode(t, "Update of a stale version", err, approval.ECONFLICT)
	if second.Version != 1 {
		t.Errorf("a refused Update moved the caller's Version to %d", second.Version)
	}
	if got := get(t, s, "r-1"); got.State != approval.StateDenied || got.Version != 2 {
		t.Errorf("after a refused Update: state %s version %d, want denied 2", got.State, got.Version)
	}
}

func testUpdateMissing(t *testing.T, s approval.Store) {
	r := request("r-none")
	r.Version = 1
	wantCode(t, "Update of a missing id", s.Update(t.Context(), r), approval.ENOTFOUND)
}

// testConcurrentUpdate races 100 goroutines holding the same version: exactly one may win.
func testConcurrentUpdate(t *testing.T, s approval.Store) {
	const n = 100
	create(t, s, request("r-1"))
	base := get(t, s, "r-1")
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		winners   []string
		conflicts int
		others    []error
	)
	for i := range n {
		r := *base
		r.Outcome = fmt.Sprintf("writer %d", i)
		wg.Go(func() {
			err := s.Update(t.Context(), &r)
			mu.Lock()
			defer mu.Unlock()
			switch approval.ErrorCode(err) {
			case "":
				winners = append(winners, r.Outcome)
			case approval.ECONFLICT:
				conflicts++
			default:
				others = append(others, err)
			}
		})
	}
	wg.Wait()
	if len(others) > 0 {
		t.Fatalf("%d updates failed with errors other than a conflict, first: %v", len(others), others[0])
	}
	if len(winners) != 1 || conflicts != n-1 {
		t.Fatalf("%d winners and %d conflicts, want 1 and %d", len(winners), conflicts, n-1)
	}
	if got := get(t, s, "r-1"); got.Version != 2 || got.Outcome != winners[0] {
		t.Errorf("stored version %d outcome %q, want 2 and the winner's %q", got.Version, got.Outcome, winners[0])
	}
}

func testEvents(t *testing.T, s approval.Store) {
	ctx := t.Context()
	in := []approval.Event{
		{RequestID: "r-1", At: t0, Actor: "U1", Kind: "submitted", Rule: "support-resets", Outcome: "pending"},
		{RequestID: "", At: t0.Add(time.Second), Actor: "U7", Kind: "denied_by_policy", Rule: "protect-admins", Outcome: "denied", Detail: "admins are reset by the platform team"},
		{RequestID: "r-2", At: t0.Add(2 * time.Second), Actor: "U1", Kind: "submitted"},
		{RequestID: "r-1", At: t0.Add(3 * time.Second), Actor: "U2", Kind: "approved", Rule: "support-resets"},
		{RequestID: "r-1", At: t0.Add(4 * time.Second), Actor: "system", Kind: "succeeded", Outcome: "password reset", AWSRequestID: "aws-123"},
	}
	for _, e := range in {
		if err := s.Append(ctx, e); err != nil {
			t.Fatalf("Append(%s): %v", e.Kind, err)
		}
	}
	ignoreID := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".ID" }, cmp.Ignore())
	for _, tt := range []struct {
		requestID string
		want      []approval.Event
	}{
		{"r-1", []approval.Event{in[0], in[3], in[4]}},
		{"", []approval.Event{in[1]}},
		{"r-2", []approval.Event{in[2]}},
		{"r-none", nil},
	} {
		got, err := s.Events(ctx, tt.requestID)
		if err != nil {
			t.Fatalf("Events(%q): %v", tt.requestID, err)
		}
		if diff := cmp.Diff(got, tt.want, ignoreID); diff != "" {
			t.Errorf("Events(%q) (-got +want):\n%s", tt.requestID, diff)
		}
		for i := 1; i < len(got); i++ {
			if got[i].ID <= got[i-1].ID || got[i-1].ID == 0 {
				t.Errorf("Events(%q): ids %d then %d, want increasing and non-zero", tt.requestID, got[i-1].ID, got[i].ID)
			}
		}
	}
}

func testDue(t *testing.T, s approval.Store) {
	now := t0.Add(10 * time.Hour)
	past, future := now.Add(-time.Minute), now.Add(time.Minute)
	for _, c := range []struct {
		id     string
		state  approval.State
		mutate func(r *approval.Request)
	}{
		{"expired", approval.StatePending, func(r *approval.Request) { r.ExpiresAt, r.RemindAt = past, time.Time{} }},
		{"expires-now", approval.StatePending, func(r *approval.Request) { r.ExpiresAt, r.RemindAt = now, time.Time{} }},
		{"remind", approval.StatePending, func(r *approval.Request) { r.ExpiresAt, r.RemindAt = future, past }},
		{"reminded", approval.StatePending, func(r *approval.Request) { r.ExpiresAt, r.RemindAt, r.Reminded = future, past, true }},
		{"waiting", approval.StatePending, func(r *approval.Request) { r.ExpiresAt, r.RemindAt = future, future }},
		{"no-deadlines", approval.StatePending, func(r *approval.Request) { r.ExpiresAt, r.RemindAt = time.Time{}, time.Time{} }},
		{"lease-over", approval.StateRunning, func(r *approval.Request) { r.ExpiresAt, r.LeaseUntil = past, past }},
		{"lease-held", approval.StateRunning, func(r *approval.Request) { r.ExpiresAt, r.LeaseUntil = past, future }},
		{"approved", approval.StateApproved, func(r *approval.Request) { r.ExpiresAt, r.RemindAt = past, past }},
		{"done", approval.StateSucceeded, func(r *approval.Request) { r.ExpiresAt, r.RemindAt, r.LeaseUntil = past, past, past }},
		{"denied", approval.StateDenied, func(r *approval.Request) { r.ExpiresAt, r.RemindAt = past, past }},
	} {
		r := request(c.id)
		r.State = c.state
		c.mutate(r)
		create(t, s, r)
	}
	got, err := s.Due(t.Context(), now)
	if err != nil {
		t.Fatalf("Due: %v", err)
	}
	want := []string{"expired", "expires-now", "remind", "lease-over"}
	if diff := cmp.Diff(ids(got), want); diff != "" {
		t.Errorf("Due ids (-got +want):\n%s", diff)
	}
	// A request moved on by Update is due by its new fields.
	r := get(t, s, "remind")
	r.Reminded = true
	if err := s.Update(t.Context(), r); err != nil {
		t.Fatalf("Update: %v", err)
	}
	got, err = s.Due(t.Context(), now)
	if err != nil {
		t.Fatalf("Due: %v", err)
	}
	if diff := cmp.Diff(ids(got), []string{"expired", "expires-now", "lease-over"}); diff != "" {
		t.Errorf("Due ids after reminding (-got +want):\n%s", diff)
	}
}

func testPending(t *testing.T, s approval.Store) {
	createInEveryState(t, s)
	got, err := s.Pending(t.Context())
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	if diff := cmp.Diff(ids(got), openIDs); diff != "" {
		t.Errorf("Pending ids (-got +want):\n%s", diff)
	}
}

// openIDs are the pending and approved requests of createInEveryState, oldest first.
var openIDs = []string{"r-00-pending", "r-01-approved", "r-09-pending"}

// createInEveryState creates a request in each state, a minute apart, and a second pending
// one last.
func createInEveryState(t *testing.T, s approval.Store) {
	t.Helper()
	states := []approval.State{
		approval.StatePending, approval.StateApproved, approval.StateRunning, approval.StateSucceeded,
		approval.StateFailed, approval.StateDenied, approval.StateCancelled, approval.StateExpired,
		approval.StateInterrupted, approval.StatePending,
	}
	for i, st := range states {
		r := request(fmt.Sprintf("r-%02d-%s", i, st))
		r.State = st
		r.CreatedAt = t0.Add(time.Duration(i) * time.Minute)
		create(t, s, r)
	}
}

func testHistory(t *testing.T, s approval.Store) {
	other := policy.Pool{Name: "dev", ID: "eu-west-1_Dev", Region: "eu-west-1"}
	for i, c := range []struct {
		id       string
		pool     policy.Pool
		username string
	}{
		{"a1", prod, "alice"},
		{"b1", prod, "bob"},
		{"a2", prod, "alice"},
		{"a-dev", other, "alice"},
		{"a3", prod, "alice"},
	} {
		r := request(c.id)
		r.Pool = c.pool
		r.Target.Username = c.username
		r.CreatedAt = t0.Add(time.Duration(i) * time.Hour)
		create(t, s, r)
	}
	for _, tt := range []struct {
		pool, user string
		limit      int
		want       []string
	}{
		{prod.ID, "alice", 10, []string{"a3", "a2", "a1"}},
		{prod.ID, "alice", 2, []string{"a3", "a2"}},
		{other.ID, "alice", 10, []string{"a-dev"}},
		{prod.ID, "bob", 10, []string{"b1"}},
		{prod.ID, "carol", 10, []string{}},
		{prod.ID, "alice", 0, []string{}},
	} {
		got, err := s.History(t.Context(), tt.pool, tt.user, tt.limit)
		if err != nil {
			t.Fatalf("History(%s, %s, %d): %v", tt.pool, tt.user, tt.limit, err)
		}
		if diff := cmp.Diff(ids(got), tt.want); diff != "" {
			t.Errorf("History(%s, %s, %d) (-got +want):\n%s", tt.pool, tt.user, tt.limit, diff)
		}
	}
}

func testCounts(t *testing.T, s approval.Store) {
	for i, c := range []struct {
		requester, user string
		action          policy.Action
		state           approval.State
		withdrawn       bool
	}{
		{"U1", "alice", policy.ActionReset, approval.StateSucceeded, false},
		{"U1", "alice", policy.ActionTempPassword, approval.StateDenied, false},
		{"U1", "bob", policy.ActionReset, approval.StatePending, false},
		{"U2", "alice", policy.ActionSignOut, approval.StateFailed, false},
		{"U1", "alice", policy.ActionStatus, approval.StateSucceeded, false},
		{"U1", "alice", policy.ActionHistory, approval.StateSucceeded, false},
		{"U1", "alice", policy.ActionReset, approval.StateCancelled, true},
	} {
		r := request(fmt.Sprintf("r-%d", i))
		r.Requester, r.Target.Username, r.Action, r.State, r.Withdrawn = c.requester, c.user, c.action, c.state, c.withdrawn
		r.CreatedAt = t0.Add(time.Duration(i) * time.Hour)
		create(t, s, r)
	}
	// A request withdrawn after it was stored stops counting.
	withdrawn := request("r-withdrawn-later")
	withdrawn.CreatedAt = t0.Add(time.Minute)
	create(t, s, withdrawn)
	withdrawn.State, withdrawn.Withdrawn = approval.StateCancelled, true
	if err := s.Update(t.Context(), withdrawn); err != nil {
		t.Fatalf("Update: %v", err)
	}
	ctx := t.Context()
	for _, tt := range []struct {
		name  string
		count func() (int, error)
		want  int
	}{
		{"U1 since t0", func() (int, error) { return s.CountByRequester(ctx, "U1", t0) }, 3},
		{"U1 since t0+1h", func() (int, error) { return s.CountByRequester(ctx, "U1", t0.Add(time.Hour)) }, 2},
		{"U1 since t0+1h-1ns", func() (int, error) { return s.CountByRequester(ctx, "U1", t0.Add(time.Hour-1)) }, 2},
		{"U2 since t0", func() (int, error) { return s.CountByRequester(ctx, "U2", t0) }, 1},
		{"U3 since t0", func() (int, error) { return s.CountByRequester(ctx, "U3", t0) }, 0},
		{"U1 ever", func() (int, error) { return s.CountByRequester(ctx, "U1", time.Time{}) }, 3},
		{"alice ever", func() (int, error) { return s.CountByTarget(ctx, prod.ID, "alice", time.Time{}) }, 3},
		{"alice since t0", func() (int, error) { return s.CountByTarget(ctx, prod.ID, "alice", t0) }, 3},
		{"alice since t0+3h", func() (int, error) { return s.CountByTarget(ctx, prod.ID, "alice", t0.Add(3*time.Hour)) }, 1},
		{"alice in another pool", func() (int, error) { return s.CountByTarget(ctx, "eu-west-1_Dev", "alice", t0) }, 0},
		{"bob since t0", func() (int, error) { return s.CountByTarget(ctx, prod.ID, "bob", t0) }, 1},
	} {
		got, err := tt.count()
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got != tt.want {
			t.Errorf("%s: count %d, want %d", tt.name, got, tt.want)
		}
	}
}

// testUpdateMovesCounts changes, in Updates, every field the counts and History select on:
// the counts and History follow each change, back and forth.
func testUpdateMovesCounts(t *testing.T, s approval.Store) {
	ctx := t.Context()
	r := create(t, s, request("r-1"))
	type counts struct{ U1, U2, Alice, Bob, History int }
	read := func() counts {
		t.Helper()
		var c counts
		for _, n := range []struct {
			to    *int
			count func() (int, error)
		}{
			{&c.U1, func() (int, error) { return s.CountByRequester(ctx, "U1", t0) }},
			{&c.U2, func() (int, error) { return s.CountByRequester(ctx, "U2", t0) }},
			{&c.Alice, func() (int, error) { return s.CountByTarget(ctx, prod.ID, "alice", t0) }},
			{&c.Bob, func() (int, error) { return s.CountByTarget(ctx, prod.ID, "bob", t0) }},
		} {
			var err error
			if *n.to, err = n.count(); err != nil {
				t.Fatal(err)
			}
		}
		rs, err := s.History(ctx, prod.ID, "bob", 10)
		if err != nil {
			t.Fatal(err)
		}
		c.History = len(rs)
		return c
	}
	for _, step := range []struct {
		name   string
		change func(r *approval.Request)
		want   counts
	}{
		{"as created", func(*approval.Request) {}, counts{U1: 1, Alice: 1}},
		{"another requester", func(r *approval.Request) { r.Requester = "U2" }, counts{U2: 1, Alice: 1}},
		{"another user", func(r *approval.Request) { r.Target.Username = "bob" }, counts{U2: 1, Bob: 1, History: 1}},
		{"withdrawn", func(r *approval.Request) { r.Withdrawn = true }, counts{History: 1}},
		{"no longer withdrawn", func(r *approval.Request) { r.Withdrawn = false }, counts{U2: 1, Bob: 1, History: 1}},
		{"a read-only action", func(r *approval.Request) { r.Action = policy.ActionStatus }, counts{History: 1}},
		{"created before the window", func(r *approval.Request) { r.Action, r.CreatedAt = policy.ActionReset, t0.Add(-time.Hour) },
			counts{History: 1}},
		{"back in the window", func(r *approval.Request) { r.CreatedAt = t0 }, counts{U2: 1, Bob: 1, History: 1}},
		{"a state change alone", func(r *approval.Request) { r.State = approval.StateApproved }, counts{U2: 1, Bob: 1, History: 1}},
	} {
		step.change(r)
		if err := s.Update(ctx, r); err != nil {
			t.Fatalf("%s: Update: %v", step.name, err)
		}
		if diff := cmp.Diff(read(), step.want); diff != "" {
			t.Errorf("%s: counts (-got +want):\n%s", step.name, diff)
		}
		if diff := cmp.Diff(get(t, s, r.ID), r); diff != "" {
			t.Errorf("%s: Get (-got +want):\n%s", step.name, diff)
		}
	}
}

func testPing(t *testing.T, s approval.Store) {
	for i := range 3 {
		if err := s.Ping(t.Context()); err != nil {
			t.Fatalf("Ping %d: %v", i, err)
		}
	}
}

// testTimes stores times to the nanosecond, in a zone other than UTC and with a monotonic
// clock reading: they come back as the same instants, and Due compares them to the nanosecond.
func testTimes(t *testing.T, s approval.Store) {
	ctx := t.Context()
	zone := time.FixedZone("UTC-5", -5*60*60)
	at := time.Date(2025, 3, 14, 4, 26, 53, 123456789, zone)
	now := time.Now() // carries a monotonic clock reading
	r := request("r-1")
	r.CreatedAt, r.UpdatedAt, r.ExpiresAt, r.RemindAt = at, now, at.Add(time.Hour+1), time.Time{}
	r.Approvals = []approval.Approval{{By: "U2", At: at.Add(1)}}
	create(t, s, r)
	lease := request("r-2")
	lease.State, lease.CreatedAt, lease.ExpiresAt, lease.RemindAt, lease.LeaseUntil = approval.StateRunning, at, time.Time{}, time.Time{}, at.Add(2*time.Minute+7)
	create(t, s, lease)

	got := get(t, s, "r-1")
	for _, c := range []struct {
		name      string
		got, want time.Time
	}{
		{"CreatedAt", got.CreatedAt, r.CreatedAt},
		{"UpdatedAt", got.UpdatedAt, r.UpdatedAt},
		{"ExpiresAt", got.ExpiresAt, r.ExpiresAt},
		{"Approvals[0].At", got.Approvals[0].At, r.Approvals[0].At},
		{"LeaseUntil", get(t, s, "r-2").LeaseUntil, lease.LeaseUntil},
	} {
		if !c.got.Equal(c.want) {
			t.Errorf("%s: stored %s, read back %s", c.name, c.want.Format(time.RFC3339Nano), c.got.Format(time.RFC3339Nano))
		}
	}
	if !got.RemindAt.IsZero() {
		t.Errorf("RemindAt: stored the zero time, read back %s", got.RemindAt)
	}

	for _, tt := range []struct {
		now  time.Time
		want []string
	}{
		{at.Add(2*time.Minute + 6), []string{}},
		{at.Add(2*time.Minute + 7).In(time.UTC), []string{"r-2"}},
		{at.Add(time.Hour), []string{"r-2"}},
		{at.Add(time.Hour + 1), []string{"r-1", "r-2"}},
	} {
		due, err := s.Due(ctx, tt.now)
		if err != nil {
			t.Fatalf("Due: %v", err)
		}
		if diff := cmp.Diff(ids(due), tt.want); diff != "" {
			t.Errorf("Due(%s) (-got +want):\n%s", tt.now.Format(time.RFC3339Nano), diff)
		}
	}

	if err := s.Append(ctx, approval.Event{RequestID: "r-1", At: at.Add(3), Kind: "submitted"}); err != nil {
		t.Fatalf("Append: %v", err)
	}
	es, err := s.Events(ctx, "r-1")
	if err != nil || len(es) != 1 {
		t.Fatalf("Events: %v, %v", es, err)
	}
	if !es[0].At.Equal(at.Add(3)) {
		t.Errorf("event At: stored %s, read back %s", at.Add(3).Format(time.RFC3339Nano), es[0].At.Format(time.RFC3339Nano))
	}
}
