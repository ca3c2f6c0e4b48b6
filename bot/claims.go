package bot

import (
	"context"
	"runtime/trace"
	"time"

	"github.com/resetbot/resetbot/approval"
)

// EnvelopeClaims records which Slack envelopes have been handled, in the store every process
// shares: Slack delivers an envelope at least once, and may deliver it again to this process
// after a restart or to another replica. Any approval.Store implements it.
type EnvelopeClaims interface {
	// ClaimEnvelope reports true for the first claim of an envelope id, false after.
	ClaimEnvelope(ctx context.Context, envelopeID string, at time.Time) (bool, error)
}

// claimedByDecision is the envelope of a click that the workflow claims in the write that
// records its decision, one write fewer than a claim of its own before: a lone Approve. Any
// other envelope is claimed before its work starts (firstDelivery), and gets the zero Envelope.
func claimedByDecision(env *envelope, in *interaction) approval.Envelope {
	if env == nil || env.ID == "" || len(in.Actions) != 1 || in.Actions[0].ActionID != actionApprove {
		return approval.Envelope{}
	}
	return approval.Envelope{ID: env.ID, ReceivedAt: env.received}
}

// answerable claims, before the caller is answered without a decision (their groups could not
// be read), an envelope left to the decision's write: false when it was claimed before.
func (b *Bot) answerable(ctx context.Context, who caller) bool {
	if who.Envelope.ID == "" {
		return true
	}
	first, err := b.claims.ClaimEnvelope(ctx, who.Envelope.ID, who.Envelope.ReceivedAt)
	return err != nil || first
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
