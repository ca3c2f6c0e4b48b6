package approval

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// A process that stops between Slack answering chat.postMessage for a request's card and the
// store saving the card's thread leaves a card in Slack, with live buttons, for a request that
// has no thread. The card is found again, never left orphaned: a click on it says where it is
// (WithCard), and the sweeper looks for it in the channel before withdrawing the request
// (findOrWithdraw). Either saves the thread, a compare-and-swap only while none is saved.

// cardKey is the context key of the card a click came from.
type cardKey struct{}

// WithCard returns ctx carrying the card a click came from: where the message with the
// clicked button is. A decision on a request that has no thread yet saves it as the request's
// thread at once (only while none is saved) instead of waiting for the process posting the
// card to save it.
func WithCard(ctx context.Context, card Thread) context.Context {
	if card.Channel == "" || card.TS == "" {
		return ctx
	}
	return context.WithValue(ctx, cardKey{}, card)
}

// cardOf is the card WithCard put in ctx, or the zero Thread.
func cardOf(ctx context.Context) Thread {
	card, _ := ctx.Value(cardKey{}).(Thread)
	return card
}

// CardFoundLog is the message of the log line that says a request's card, whose thread was
// not saved yet, was found and saved as its thread (found_by: click or sweeper).
const CardFoundLog = "a request's card was found: it is the request's thread now"

// cardClockSkew is how long before a request's CreatedAt its card is looked for: Slack's clock,
// which stamps the card, may be a little behind the bot's.
const cardClockSkew = time.Minute

// adopt saves card as r's thread, when r has none and card is in r's channel, and returns the
// request as written; a request that has a thread already comes back as read. The card was
// drawn when the request was pending with no approval: one that has moved on since is drawn
// again, as a teller draws it (checked after its update, and marked drawn).
func (s *Service) adopt(ctx context.Context, r *Request, card Thread, how string) (*Request, error) {
	adopted, err := s.mutateFrom(ctx, r.ID, r, func(cur *Request) ([]Event, error) {
		if cur.Thread.TS != "" || card.Channel != cur.Channel {
			return nil, errSkip
		}
		cur.Thread = card
		return nil, nil
	})
	if errors.Is(err, errSkip) {
		return adopted, nil
	}
	if err != nil {
		return nil, err
	}
	level := slog.LevelInfo // a click may come a moment before the process posting the card saves it
	if how == "sweeper" {
		level = slog.LevelWarn // its process stopped before saving it
	}
	s.log.Log(ctx, level, CardFoundLog, "request_id", r.ID, "found_by", how, "channel", card.Channel, "ts", card.TS, "state", adopted.State)
	if adopted.State == StatePending && len(adopted.Approvals) == 0 {
		// The card, posted from a version before, shows this one: saving where it is changed
		// nothing on it (as Submit's own save of the thread).
		s.markDrawn(ctx, r.ID, adopted.Version)
		return adopted, nil
	}
	ctx = context.WithoutCancel(ctx)
	var drawn int64 // the version the card was drawn from here, 0 for none
	if err := s.notify.UpdateCard(ctx, adopted); err != nil {
		s.log.ErrorContext(ctx, "card not updated", "request_id", r.ID, "err", err)
	} else {
		drawn = adopted.Version
	}
	s.markDrawn(ctx, r.ID, s.redrawCard(ctx, adopted, drawn))
	return adopted, nil
}

// adoptClicked saves the card a click came from (WithCard) as the thread of r, read by the
// click, when r has none; it returns r as the click goes on with it, nil when it cannot tell.
func (s *Service) adoptClicked(ctx context.Context, r *Request) *Request {
	card := cardOf(ctx)
	if r.Thread.TS != "" || card.TS == "" {
		return r
	}
	adopted, err := s.adopt(ctx, r, card, "click")
	if err != nil {
		s.log.WarnContext(ctx, "saving the clicked card as the request's thread failed", "request_id", r.ID, "err", err)
		return nil
	}
	return adopted
}

// errNoCard is why a request the sweeper found no card of is withdrawn.
var errNoCard = errors.New("its card is not in its channel: the process stopped before the card was posted")

// findOrWithdraw finishes a pending request that has no thread and was left untouched for a
// lease: its card is looked for in its channel, among the messages posted from shortly before
// it was made to a lease after. A card found becomes its thread and the request stays pending,
// to go on as any other. No card: nobody can see the request to decide, so it is withdrawn. A
// Slack error is tried again at the next sweep, except a refusal for good (the bot cannot read
// the channel, or lacks the scope to: withdrawn as before, counted in scopeMissing).
func (s *Service) findOrWithdraw(ctx context.Context, r *Request) (*Request, error) {
	card, err := s.notify.FindCard(ctx, r, r.CreatedAt.Add(-cardClockSkew), r.CreatedAt.Add(s.lease))
	switch code := ErrorCode(err); {
	case err == nil && card.TS != "":
		return s.adopt(ctx, r, card, "sweeper")
	case err == nil:
		return s.withdraw(ctx, r, errNoCard)
	case code == ENOSCOPE:
		s.scopeMissing.Add(1)
		return s.withdraw(ctx, r, fmt.Errorf("its card could not be looked for: %w", err))
	case code == ENOCHANNEL:
		return s.withdraw(ctx, r, fmt.Errorf("its card could not be looked for: %w", err))
	default:
		s.log.WarnContext(ctx, "looking for the card of a request left without one failed; trying again at the next sweep",
			"request_id", r.ID, "err", err)
		return nil, errSkip
	}
}

// warnScopeMissing logs, once per sweep, that requests were withdrawn without their cards
// being looked for because the Slack app lacks the scopes to read a channel's history.
func (s *Service) warnScopeMissing(ctx context.Context) {
	if n := s.scopeMissing.Swap(0); n > 0 {
		s.log.ErrorContext(ctx, "requests left without a card were withdrawn without looking for their cards: "+
			"the Slack app lacks channels:history (public channels) or groups:history (private channels); "+
			"add them to the app (deploy/slack-app-manifest.yaml has them) and reinstall it", "withdrawn", n)
	}
}
