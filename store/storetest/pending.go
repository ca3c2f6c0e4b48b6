package storetest

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
)

// testEachPending: EachPending streams what Pending lists, in the same order, whole.
func testEachPending(t *testing.T, s approval.Store) {
	createInEveryState(t, s)
	var got []*approval.Request
	if err := s.EachPending(t.Context(), func(r *approval.Request) error {
		got = append(got, r)
		return nil
	}); err != nil {
		t.Fatalf("EachPending: %v", err)
	}
	if diff := cmp.Diff(ids(got), openIDs); diff != "" {
		t.Errorf("EachPending ids (-got +want):\n%s", diff)
	}
	want, err := s.Pending(t.Context())
	if err != nil {
		t.Fatalf("Pending: %v", err)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("EachPending's requests (-got +Pending's):\n%s", diff)
	}
}

// testEachPendingStops: an error from fn ends the scan and is returned as is; ErrStopScan
// ends it with no error.
func testEachPendingStops(t *testing.T, s approval.Store) {
	createInEveryState(t, s)
	checkStops(t, "EachPending", func(fn func() error) error {
		return s.EachPending(t.Context(), func(*approval.Request) error { return fn() })
	})
}
