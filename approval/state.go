package approval

import "fmt"

// transitions lists, for each state, the states a request may move to. pending → pending is an
// approval that does not reach the threshold yet, or a reminder. A state with no entry is final.
var transitions = map[State][]State{
	StatePending:  {StatePending, StateApproved, StateDenied, StateCancelled, StateExpired},
	StateApproved: {StateRunning},
	StateRunning:  {StateSucceeded, StateFailed, StateInterrupted},
}

// settled says in plain words why a request in a state no longer takes a decision.
var settled = map[State]string{
	StateApproved:    "This request already has the approvals it needs and is about to run.",
	StateRunning:     "This request already has the approvals it needs and is running.",
	StateSucceeded:   "This request has already run.",
	StateFailed:      "This request has already run, and failed.",
	StateDenied:      "This request was denied.",
	StateCancelled:   "This request was cancelled by the requester.",
	StateExpired:     "This request expired before it was decided.",
	StateInterrupted: "This request's run was interrupted; it will not run again. Make a new request if it is still needed.",
}

// CanMove reports whether a request may go from one state to another.
func CanMove(from, to State) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// move sets r's state to `to`, or returns an ECONFLICT error saying why it cannot.
func move(r *Request, to State) error {
	if !CanMove(r.State, to) {
		msg, ok := settled[r.State]
		if !ok {
			msg = "This request is still waiting for approval."
		}
		return &Error{Code: ECONFLICT, Message: msg, Err: fmt.Errorf("request %s: %s → %s is not a transition", r.ID, r.State, to)}
	}
	r.State = to
	return nil
}
