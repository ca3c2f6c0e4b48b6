package approval

import (
	"fmt"
	"testing"
)

var allStates = []State{
	StatePending, StateApproved, StateRunning, StateSucceeded, StateFailed,
	StateDenied, StateCancelled, StateExpired, StateInterrupted,
}

// TestTransitions checks every pair of states against the life of a request:
//
//	pending → approved → running → succeeded | failed
//	pending → denied | cancelled | expired
//	running (lease ran out) → interrupted
//
// and pending → pending for an approval short of the threshold, or a reminder.
func TestTransitions(t *testing.T) {
	allowed := map[[2]State]bool{
		{StatePending, StatePending}:     true,
		{StatePending, StateApproved}:    true,
		{StatePending, StateDenied}:      true,
		{StatePending, StateCancelled}:   true,
		{StatePending, StateExpired}:     true,
		{StateApproved, StateRunning}:    true,
		{StateRunning, StateSucceeded}:   true,
		{StateRunning, StateFailed}:      true,
		{StateRunning, StateInterrupted}: true,
	}
	for _, from := range allStates {
		for _, to := range allStates {
			t.Run(fmt.Sprintf("%s→%s", from, to), func(t *testing.T) {
				want := allowed[[2]State{from, to}]
				if got := CanMove(from, to); got != want {
					t.Fatalf("CanMove = %v, want %v", got, want)
				}
				r := &Request{ID: "r-1", State: from}
				err := move(r, to)
				if want {
					if err != nil || r.State != to {
						t.Fatalf("move: %v, state %s", err, r.State)
					}
					return
				}
				if ErrorCode(err) != ECONFLICT || r.State != from {
					t.Fatalf("refused move: %v, state %s", err, r.State)
				}
				if msg := ErrorMessage(err); msg == "" || msg == ErrorMessage(nil) {
					t.Errorf("no plain reason: %q", msg)
				}
			})
		}
	}
}

func TestFinalStatesHaveNoWayOut(t *testing.T) {
	for _, s := range allStates {
		if s.Final() != (len(transitions[s]) == 0) {
			t.Errorf("%s: Final() = %v but it has %d transitions", s, s.Final(), len(transitions[s]))
		}
		if s.Final() && settled[s] == "" {
			t.Errorf("%s: no plain words for a decision that comes too late", s)
		}
	}
}
