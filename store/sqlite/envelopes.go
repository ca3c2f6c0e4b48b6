package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/resetbot/resetbot/approval"
)

// ClaimEnvelope records a Slack envelope id as handled: true for the first claim, false when
// the id was claimed before. Claims older than approval.EnvelopeClaimTTL before at are purged
// in the same transaction.
func (s *DB) ClaimEnvelope(ctx context.Context, envelopeID string, at time.Time) (claimed bool, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("sqlite: claim envelope %s: begin: %w", envelopeID, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, "DELETE FROM envelopes WHERE claimed_at < ?", at.Add(-approval.EnvelopeClaimTTL).UnixNano()); err != nil {
		return false, fmt.Errorf("sqlite: claim envelope %s: purge: %w", envelopeID, err)
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO envelopes (id, claimed_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", envelopeID, at.UnixNano())
	if err != nil {
		return false, fmt.Errorf("sqlite: claim envelope %s: %w", envelopeID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite: claim envelope %s: %w", envelopeID, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("sqlite: claim envelope %s: commit: %w", envelopeID, err)
	}
	return n == 1, nil
}
