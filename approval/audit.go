package approval

import (
	"context"
	"errors"
	"fmt"
	"runtime/trace"
	"time"
)

// maxCASAttempts bounds how often mutate re-reads a request that others keep changing. Every
// conflict means someone else's change went in, so the bound is only reached under a storm.
const maxCASAttempts = 20

// mutate reads the request, lets change decide and edit it, and writes it back as a
// compare-and-swap together with the audit events change returns (one transaction: no state
// without its event, no event without its state), starting over when someone else wrote first.
// change returns an error to stop without writing; mutate then returns that error with the
// request as it read it.
func (s *Service) mutate(ctx context.Context, id string, change func(r *Request) ([]Event, error)) (*Request, error) {
	return s.mutateFrom(ctx, id, nil, change)
}

// mutateFrom is mutate starting from read, the request as just read from the store (nil to
// read it). A read that is no longer current costs a compare-and-swap conflict and a fresh
// read, as any other.
func (s *Service) mutateFrom(ctx context.Context, id string, read *Request, change func(r *Request) ([]Event, error)) (*Request, error) {
	return s.mutateClaiming(ctx, id, cardRead{r: read}, Envelope{}, change)
}

// mutateClaiming is mutateFrom starting from the read that awaited the card (see awaitCard),
// whose write also claims the envelope e (Store.UpdateClaiming): when e was claimed before, it
// writes nothing and returns an error that is ErrClaimedBefore. A change that refuses the
// version this process last wrote (read.guess) is asked again with the request as read from
// the store, so that a refusal is always of the stored request.
func (s *Service) mutateClaiming(ctx context.Context, id string, read cardRead, e Envelope, change func(r *Request) ([]Event, error)) (*Request, error) {
	if e.ID == "" {
		return s.mutateWith(ctx, id, read, s.store.Update, change)
	}
	return s.mutateWith(ctx, id, read, func(ctx context.Context, r *Request, events ...Event) error {
		return s.store.UpdateClaiming(ctx, r, e, events...)
	}, change)
}

// mutateDrawn is mutate whose write also records the card drawn from the version it writes
// (Store.UpdateDrawn): for a change the card already shows. It starts from from, the version
// this process has just written, as a guess instead of reading it: the write is a
// compare-and-swap on that version, so a change made since by anyone else makes it read the
// request and decide again.
func (s *Service) mutateDrawn(ctx context.Context, from *Request, change func(r *Request) ([]Event, error)) (*Request, error) {
	return s.mutateWith(ctx, from.ID, cardRead{r: from, guess: true}, s.store.UpdateDrawn, change)
}

// mutateWith is mutateClaiming that writes with update, one of the Store's compare-and-swap
// writes.
func (s *Service) mutateWith(ctx context.Context, id string, read cardRead, update func(ctx context.Context, r *Request, events ...Event) error,
	change func(r *Request) ([]Event, error)) (*Request, error) {
	defer trace.StartRegion(ctx, "request write").End()
	for range maxCASAttempts {
		r, guess := read.r, read.guess
		read = cardRead{}
		if r == nil {
			var err error
			if r, err = s.store.Get(ctx, id); err != nil {
				return nil, fmt.Errorf("read request %s: %w", id, err)
			}
		}
		events, err := change(r)
		if err != nil && guess {
			continue // decided again on the request as stored
		}
		if err != nil {
			return r, err
		}
		r.UpdatedAt = s.now()
		for i := range events {
			events[i] = s.eventOf(r, events[i])
		}
		if err = update(ctx, r, events...); err == nil {
			s.known.wrote(r)
			return r, nil
		}
		s.known.forget(id)
		if ErrorCode(err) != ECONFLICT {
			return nil, fmt.Errorf("write request %s: %w", id, err)
		}
	}
	return nil, &Error{Code: ECONFLICT, Message: "This request is changing too quickly right now; try again in a moment.",
		Err: fmt.Errorf("request %s: %d compare-and-swap conflicts in a row", id, maxCASAttempts)}
}

// recording is what a change function returns: err when the change is refused, else the
// events that record it.
func recording(err error, events ...Event) ([]Event, error) {
	if err != nil {
		return nil, err
	}
	return events, nil
}

// eventOf fills in what the request knows of an event about it.
func (s *Service) eventOf(r *Request, e Event) Event {
	e.RequestID = r.ID
	if e.Rule == "" {
		e.Rule = r.Rule
	}
	if e.At.IsZero() {
		e.At = s.now()
	}
	return e
}

// audit appends an event about a request that records no change of its state (a refused
// approval, a result that could not be recorded).
func (s *Service) audit(ctx context.Context, r *Request, e Event) {
	s.appendEvent(ctx, s.eventOf(r, e))
}

// appendEvent writes an audit event that records no state change. A failure is logged, not
// returned: the workflow has already happened and must still be told to people; the log line
// keeps the event's content.
func (s *Service) appendEvent(ctx context.Context, e Event) {
	if err := s.store.Append(context.WithoutCancel(ctx), e); err != nil {
		s.log.ErrorContext(ctx, "audit event not stored", "request_id", e.RequestID, "kind", e.Kind, "actor", e.Actor,
			"rule", e.Rule, "outcome", e.Outcome, "aws_request_id", e.AWSRequestID, "detail", e.Detail, "err", err)
	}
}

// tell posts a notice in a request's thread, draws its card (unless the notice before drew it
// from the same version) and marks the version drawn. A failure is logged: Slack being down must
// not undo a decision already stored, and a card left behind is drawn again by a sweeper. A
// request has a thread before anyone can decide on it (awaitCard, stillOpen); a notice about one
// that has none (its card was never posted) is logged and not posted, rather than posted beside
// the cards where nobody can tell which request it is about.
func (s *Service) tell(ctx context.Context, r *Request, n Notice) {
	if r.Thread.TS == "" {
		if cur, err := s.store.Get(context.WithoutCancel(ctx), r.ID); err == nil {
			r.Thread = cur.Thread
		}
	}
	if r.Thread.TS == "" {
		s.log.ErrorContext(ctx, "notice not posted: the request has no card", "request_id", r.ID, "kind", n.Kind)
		return
	}
	ctx = context.WithoutCancel(ctx)
	err := s.notify.Notify(ctx, r, n)
	if err != nil {
		s.log.ErrorContext(ctx, "notice not posted", "request_id", r.ID, "kind", n.Kind, "err", err)
	}
	if n.CardDrawn {
		// A notice that left the card as the notice before it drew it has nothing to check
		// or mark: that notice checks after its own update, and marks what it drew.
		return
	}
	var drawn int64 // the version the card was drawn from here, 0 for none
	if err == nil {
		drawn = r.Version
	}
	s.markDrawn(ctx, r.ID, s.redrawCard(ctx, r, drawn))
}

// threadWait bounds how long a decision waits for its request's card to be posted.
const threadWait = 10 * time.Second

// threadPoll is how often a decision reads the store again while another process posts the
// request's card.
const threadPoll = 50 * time.Millisecond

// cardRead is the request a decision starts from: as read from the store, or, when guess is
// set, the version this process last wrote (known), which may be behind the store's.
type cardRead struct {
	r     *Request
	guess bool
}

// awaitCard waits, for at most threadWait, until the card of a pending request is posted and
// its thread saved, by this process or another: Slack shows the card (and its buttons) a moment
// before the process that posted it has saved where it is, and a click may reach another
// replica in between. Deciding only once the thread is known (stillOpen refuses before) keeps
// every notice in the card's thread and every card update on the card. It returns the request
// as it last read it, for the decision to start from, or none when it read none. A pending
// request this process last wrote with its thread saved is not read at all: the decision
// starts from that version (known), a guess that the compare-and-swap checks.
//
// A click that says where its card is (WithCard) does not wait: the card it came from becomes
// the thread of a request that has none yet (adoptClicked).
func (s *Service) awaitCard(ctx context.Context, id string) cardRead {
	defer trace.StartRegion(ctx, "await card").End()
	if r, ok := s.known.get(id); ok && r.State == StatePending && r.Thread.TS != "" && !r.Withdrawn {
		return cardRead{r: r, guess: true}
	}
	timer := time.NewTimer(threadWait)
	defer timer.Stop()
	clicked := cardOf(ctx).TS != ""
	if posted, ok := s.posting.Load(id); ok && !clicked {
		select {
		case <-posted.(chan struct{}):
		case <-timer.C:
			return cardRead{}
		case <-ctx.Done():
			return cardRead{}
		}
	}
	tick := time.NewTicker(threadPoll)
	defer tick.Stop()
	for {
		r, err := s.store.Get(ctx, id)
		if err != nil {
			return cardRead{}
		}
		if r.Thread.TS == "" && clicked {
			return cardRead{r: s.adoptClicked(ctx, r)}
		}
		if r.Thread.TS != "" || r.State != StatePending || r.Withdrawn {
			return cardRead{r: r}
		}
		select {
		case <-tick.C:
		case <-timer.C:
			return cardRead{}
		case <-ctx.Done():
			return cardRead{}
		}
	}
}

// errSkip stops a mutate whose work someone else has already done.
var errSkip = errors.New("nothing to do")
