package approval_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// dyingNotifier is the Slack side of a process that dies as it is about to tell a step: it
// posts nothing, and the process's store and time end with it.
type dyingNotifier struct {
	approval.Notifier
	die func()
}

func (d *dyingNotifier) Notify(context.Context, *approval.Request, approval.Notice) error {
	d.die()
	return errors.New("the process died")
}

func (d *dyingNotifier) UpdateCard(context.Context, *approval.Request) error {
	d.die()
	return errors.New("the process died")
}

// TestStepToldByAnotherProcessAfterACrash: a process stores a step (an approval, a denial, a
// cancellation) and dies before it posts the step's notice and updates the card. The card and
// the thread are not left a step behind: once the step's time to tell has passed (a lease),
// another process's sweeper posts the notice, once, with the card drawn as the request is now;
// a second sweep, and a third process's, post nothing more.
func TestStepToldByAnotherProcessAfterACrash(t *testing.T) {
	for _, tt := range []struct {
		name  string
		pool  policy.Pool
		step  func(s *approval.Service, id string) error
		state approval.State
		kind  approval.NoticeKind
	}{
		{"approved 1 of 2", dual, func(s *approval.Service, id string) error {
			_, err := s.Approve(t.Context(), id, lead2)
			return err
		}, approval.StatePending, approval.NoticeApproved},
		{"denied", prod, func(s *approval.Service, id string) error {
			_, err := s.Deny(t.Context(), id, lead1, "not today")
			return err
		}, approval.StateDenied, approval.NoticeDenied},
		{"cancelled", prod, func(s *approval.Service, id string) error {
			_, err := s.Cancel(t.Context(), id, "U0REQ0001")
			return err
		}, approval.StateCancelled, approval.NoticeCancelled},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			r := h.submit(sub(tt.pool, policy.ActionReset))
			dying := &dyingNotifier{Notifier: h.note}
			cfg := h.cfg
			cfg.Notifier = dying
			first, crash := h.crashable(cfg)
			dying.die = crash
			if err := tt.step(first, r.ID); err != nil {
				t.Fatalf("the step: %v", err)
			}
			if got := h.note.kinds(r.ID); len(got) != 0 {
				t.Fatalf("notices told by the process that died: %v", got)
			}

			next, third := h.second("test-2"), h.second("test-3")
			if err := next.Sweep(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got := h.note.kinds(r.ID); len(got) != 0 {
				t.Fatalf("notices told within the step's time to tell: %v", got)
			}
			h.clock.Advance(approval.DefaultLease)
			for _, s := range []*approval.Service{next, third, next} {
				if err := s.Sweep(t.Context()); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(h.note.kinds(r.ID), []approval.NoticeKind{tt.kind}); diff != "" {
				t.Errorf("notices (-got +want):\n%s", diff)
			}
			n := h.note.last(r.ID)
			if n.State != tt.state {
				t.Errorf("the card was drawn as %s, want %s", n.State, tt.state)
			}
			got, err := h.db.Get(t.Context(), r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != tt.state || len(got.Untold) != 0 || !got.TellAt.IsZero() {
				t.Errorf("after the sweep: state %s, untold %+v, tell at %v", got.State, got.Untold, got.TellAt)
			}
			h.clock.Advance(time.Hour)
			if err := third.Sweep(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got := len(h.note.kinds(r.ID)); got != 1 {
				t.Errorf("%d notices after another sweep, want 1", got)
			}
		})
	}
}
