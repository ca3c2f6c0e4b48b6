package approval

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// cardSettle is how long a request whose card is behind stays unchanged before a sweeper draws
// its card. Whoever changes a request draws its card at once (tell): one or two Slack calls,
// done within a second unless Slack is slow or asks the bot to wait, and redrawCard's reads
// wait for a store that is away for as long. Past that, its teller has failed (Slack refused
// the update, the store did not take the mark) or died (SIGKILL between storing a step and
// telling it), and the card is drawn again from the stored request: within cardSettle and one
// sweep interval of the last change. A sweeper that draws a card its teller is still drawing
// costs one chat.update of the same blocks, nothing more.
const cardSettle = 10 * time.Second

// CardRedrawnLog is the message of the log line that says a sweeper drew a card again, left
// behind its request (the proof test counts them).
const CardRedrawnLog = "card drawn again: it was behind its request"

// cardGiveUp is how long after a request's last change the sweepers keep drawing a card that
// Slack refuses to update: the message was deleted, or the bot was removed from its channel.
// Past it, the card is marked drawn as it is and left alone, rather than tried at every sweep
// for ever; a change of the request makes it behind again.
const cardGiveUp = time.Hour

// maxRedraws bounds how often redrawCard draws a card again that keeps changing under it.
const maxRedraws = 5

// The reads of a request whose card was just drawn, while the store fails: how many at most,
// and the backoff between them (about 9 s in all, within cardSettle).
const (
	cardReads     = 10
	cardReadFirst = 50 * time.Millisecond
	cardReadMax   = 2 * time.Second
)

// redrawCard draws the card again while the stored request is newer than r, the version last
// told, and returns the version the card was last drawn from: drawn (0 for none known) unless
// it drew one. Decisions on one request are told at once, by several replicas, and Slack
// applies their card updates in the order they arrive, which need not be the order of the
// changes: an "approved (1 of 2)" drawn after the denial that followed it would leave the card
// waiting for approval. Whoever updated a card last reads the request again after the update
// and draws it anew when it has moved on, so the last update of a card is of the newest
// request. The read is tried again while the store is away (readForCard), until cardSettle
// after r's change, when a sweeper takes over: a teller that gave up at once could leave its
// stale update last.
func (s *Service) redrawCard(ctx context.Context, r *Request, drawn int64) int64 {
	seen := r.Version
	for range maxRedraws {
		cur, err := s.readForCard(ctx, r.ID, r.UpdatedAt.Add(cardSettle))
		if err != nil {
			s.log.WarnContext(ctx, "card not checked after its update", "request_id", r.ID, "err", err)
			return drawn
		}
		if cur.Version == seen || cur.Thread.TS == "" {
			return drawn
		}
		seen = cur.Version
		if err := s.notify.UpdateCard(ctx, cur); err != nil {
			s.log.ErrorContext(ctx, "card not updated", "request_id", r.ID, "err", err)
			return drawn
		}
		drawn = cur.Version
	}
	return drawn
}

// readForCard reads a request, trying again while the store fails, for at most cardReads
// reads and until the service's clock passes until.
func (s *Service) readForCard(ctx context.Context, id string, until time.Time) (*Request, error) {
	return s.retry(ctx, retrying{first: cardReadFirst, most: cardReadMax, until: until, tries: cardReads, final: ENOTFOUND},
		func() (*Request, error) { return s.store.Get(ctx, id) })
}

// markDrawn records that the card of request id was drawn from version. A failure is logged
// and costs only a redraw: a sweeper finds the card behind and draws it again.
func (s *Service) markDrawn(ctx context.Context, id string, version int64) {
	if version <= 0 {
		return
	}
	if err := s.store.MarkDrawn(context.WithoutCancel(ctx), id, version); err != nil {
		s.log.WarnContext(ctx, "card drawn, not marked drawn: a sweeper will draw it again", "request_id", id, "version", version, "err", err)
	}
}

// drawCardsBehind draws again, from the stored request, every card the store lists behind its
// request for cardSettle: a teller died or failed between storing a step and drawing it. Final
// requests are included: a succeeded request whose card says Running is what this repairs. The
// sweepers of several processes may draw one card at once, which is harmless; each takes the
// cards in an order of its own, so that two sweeping at the same moment mostly draw different
// cards first.
func (s *Service) drawCardsBehind(ctx context.Context, now time.Time) error {
	rs, err := s.store.CardsBehind(ctx, now.Add(-cardSettle))
	if err != nil {
		return fmt.Errorf("sweep: list cards behind: %w", err)
	}
	rand.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
	var errs []error
	for _, r := range rs {
		if err := s.drawBehind(ctx, r, now); err != nil {
			errs = append(errs, fmt.Errorf("sweep: draw the card of %s: %w", r.ID, err))
		}
	}
	return errors.Join(errs...)
}

// drawBehind draws the card of r, listed behind, again, then as redrawCard does, and marks it.
// A card Slack still refuses cardGiveUp after the request's last change is marked and left.
func (s *Service) drawBehind(ctx context.Context, r *Request, now time.Time) error {
	if err := s.notify.UpdateCard(ctx, r); err != nil {
		if now.Sub(r.UpdatedAt) < cardGiveUp {
			return err
		}
		s.log.WarnContext(ctx, "card left behind its request: Slack refused to draw it again since its last change", "request_id", r.ID,
			"state", r.State, "version", r.Version, "since", r.UpdatedAt, "err", err)
		s.markDrawn(ctx, r.ID, r.Version)
		return nil
	}
	s.log.InfoContext(ctx, CardRedrawnLog, "request_id", r.ID, "state", r.State, "version", r.Version)
	s.markDrawn(ctx, r.ID, s.redrawCard(ctx, r, r.Version))
	return nil
}
