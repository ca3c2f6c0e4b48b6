package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/resetbot/resetbot/approval"
)

// ClaimEnvelope records a Slack envelope id as handled: true for the first claim (or the first
// after the last one expired), false when the id was claimed less than
// approval.EnvelopeClaimTTL before at. Now and then the expired claims are purged in the same
// transaction.
func (s *DB) ClaimEnvelope(ctx context.Context, envelopeID string, at time.Time) (bool, error) {
	var claimed bool
	err := s.write(ctx, func(tx *wtx) error {
		var err error
		claimed, err = s.claimIn(tx, envelopeID, at)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("sqlite: claim envelope %s: %w", envelopeID, err)
	}
	return claimed, nil
}

// claimIn claims an envelope id in tx: true for the first claim (or the first after the last
// one expired). When a purge is due (once a minute, purge.Every), it first deletes the claims
// that expired: they only take room, as a claim takes an expired id again.
func (s *DB) claimIn(tx *wtx, envelopeID string, at time.Time) (bool, error) {
	expired := at.Add(-approval.EnvelopeClaimTTL).UnixNano()
	if s.claims.Due(at) {
		if _, err := tx.stmt(s.st.purgeEnvelopes).ExecContext(bg, expired); err != nil {
			s.claims.Failed()
			return false, fmt.Errorf("purge: %w", err)
		}
	}
	n, err := rowsWritten(tx.stmt(s.st.claimEnvelope).ExecContext(bg, envelopeID, at.UnixNano(), expired))
	return n == 1, err
}
