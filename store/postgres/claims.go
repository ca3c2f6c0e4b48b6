package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/resetbot/resetbot/approval"
)

// claimEnvelope claims an envelope id ($1) at $2 (Unix nanoseconds): the insert of a new id
// wins, and so does a claim of an id whose claim is older than $3; any other conflicts and
// returns no row.
const claimEnvelope = `INSERT INTO envelope_claims (envelope_id, claimed_at) VALUES ($1, $2)
	ON CONFLICT (envelope_id) DO UPDATE SET claimed_at = excluded.claimed_at
	WHERE envelope_claims.claimed_at < $3
	RETURNING true`

// ClaimEnvelope records a Slack envelope id as handled: true for the first claim (or the first
// after the last one expired), false when some replica claimed it before. Now and then it
// purges claims older than approval.EnvelopeClaimTTL.
func (s *DB) ClaimEnvelope(ctx context.Context, envelopeID string, at time.Time) (bool, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var won bool
	err := s.retryWrite(ctx, "claim envelope", func(ctx context.Context) error {
		var err error
		won, err = claimIn(ctx, s.pool, envelopeID, at)
		return err
	})
	if err != nil {
		return false, wrap("claim envelope "+envelopeID, err)
	}
	s.purgeClaims(ctx, at)
	return won, nil
}

// querier is what claimIn runs its statement on: the pool, or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// claimIn claims an envelope id at a time on q: true for the first claim (or the first after
// the last one expired).
func claimIn(ctx context.Context, q querier, envelopeID string, at time.Time) (bool, error) {
	rows, err := q.Query(ctx, claimEnvelope, escapeText(envelopeID), at.UnixNano(), at.Add(-approval.EnvelopeClaimTTL).UnixNano())
	if err != nil {
		return false, err
	}
	won := rows.Next()
	rows.Close()
	return won, rows.Err()
}

// purgeClaims deletes, when a purge is due at t, the claims older than
// approval.EnvelopeClaimTTL before t; a failure is logged and the next claim tries again.
func (s *DB) purgeClaims(ctx context.Context, at time.Time) {
	if !s.claims.Due(at) {
		return
	}
	if _, err := s.pool.Exec(ctx, "DELETE FROM envelope_claims WHERE claimed_at < $1", at.Add(-approval.EnvelopeClaimTTL).UnixNano()); err != nil {
		s.log.Warn("purging old envelope claims failed; the next claim tries again", "err", err)
		s.claims.Failed()
	}
}
