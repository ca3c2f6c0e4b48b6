package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/resetbot/resetbot/approval"
)

// ClaimEnvelope records a Slack envelope id as handled: true for the first claim, false when
// the id was claimed before. Claims older than approval.EnvelopeClaimTTL before at are purged
// in the same transaction.
func (s *DB) ClaimEnvelope(ctx context.Context, envelopeID string, at time.Time) (bool, error) {
	var claimed bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		claimed, err = s.claimIn(tx, envelopeID, at)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("sqlite: claim envelope %s: %w", envelopeID, err)
	}
	return claimed, nil
}

// claimIn claims an envelope id in tx, after purging the claims older than
// approval.EnvelopeClaimTTL before at: true for the first claim.
func (s *DB) claimIn(tx *sql.Tx, envelopeID string, at time.Time) (bool, error) {
	if _, err := tx.StmtContext(bg, s.st.purgeEnvelopes).ExecContext(bg, at.Add(-approval.EnvelopeClaimTTL).UnixNano()); err != nil {
		return false, fmt.Errorf("purge: %w", err)
	}
	res, err := tx.StmtContext(bg, s.st.claimEnvelope).ExecContext(bg, envelopeID, at.UnixNano())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
