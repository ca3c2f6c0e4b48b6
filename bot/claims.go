package bot

import (
	"context"
	"runtime/trace"
	"time"
)

// EnvelopeClaims records which Slack envelopes have been handled, in the store every process
// shares: Slack delivers an envelope at least once, and may deliver it again to this process
// after a restart or to another replica. Any approval.Store implements it.
type EnvelopeClaims interface {
	// ClaimEnvelope reports true for the first claim of an envelope id, false after.
	ClaimEnvelope(ctx context.Context, envelopeID string, at time.Time) (bool, error)
}

// firstDelivery claims an envelope before its work starts, and reports whether this delivery
// is the one to handle. An envelope handled before is acknowledged by the caller and dropped.
// When the store cannot be asked, the envelope is handled: the workflow's compare-and-swap
// still keeps a decision from being taken twice, and the person gets an answer.
func (b *Bot) firstDelivery(ctx context.Context, env *envelope) bool {
	if env == nil || env.ID == "" {
		return true
	}
	defer trace.StartRegion(ctx, "envelope claim").End()
	first, err := b.claims.ClaimEnvelope(ctx, env.ID, env.received)
	if err != nil {
		b.log.WarnContext(ctx, "claiming an envelope failed; handling it anyway", "err", err)
		return true
	}
	if !first {
		b.log.DebugContext(ctx, "dropping an envelope Slack delivered again", "type", env.Type, "retry_attempt", env.RetryAttempt)
	}
	return first
}
