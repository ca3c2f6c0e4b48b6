package bot

import (
	"context"
	"errors"

	"github.com/resetbot/resetbot/approval"
)

// approve answers Approve: the workflow checks the approver and, with enough approvals, runs
// the action. A refusal is told to the clicker alone and changes nothing.
func (b *Bot) approve(ctx context.Context, who caller, id string) {
	_, err := b.svc.ApproveEnvelope(ctx, id, who.approver(), who.Envelope)
	switch {
	case errors.Is(err, approval.ErrClaimedBefore):
		b.log.DebugContext(ctx, "dropping a click Slack delivered again", "user", who.User, "request_id", id)
	case err != nil:
		b.notAllowed(ctx, who, err)
	}
}

// cancel answers Cancel, which only the requester may do.
func (b *Bot) cancel(ctx context.Context, who caller, id string) {
	if _, err := b.svc.Cancel(ctx, id, who.User); err != nil {
		b.notAllowed(ctx, who, err)
	}
}

// openDenyModal answers Deny with a modal asking why, once the workflow says the clicker may
// deny the request now; otherwise the clicker is told why not and no modal opens.
func (b *Bot) openDenyModal(ctx context.Context, who caller, id string) {
	r, err := b.svc.MayDeny(ctx, id, who.approver())
	if err != nil {
		b.notAllowed(ctx, who, err)
		return
	}
	view, err := b.rd.denyModal(denyMeta{Request: r.ID, Channel: who.Channel}, "Deny: "+b.rd.ask(r))
	if err != nil {
		b.log.ErrorContext(ctx, "rendering the deny modal failed", "err", err)
		b.notAllowed(ctx, who, err)
		return
	}
	if _, err := b.client.OpenViewContext(ctx, who.TriggerID, view); err != nil {
		b.log.WarnContext(ctx, "opening the deny modal failed", "user", who.User, "request_id", id, "err", err)
		b.notAllowed(ctx, who, errModalNotOpened)
	}
}

// followUp answers a follow-up button (e.g. verify the email after a reset refused for lack
// of a verified contact), which only the request's requester may use: it opens the request
// form for the follow-up action, the same user and pool, and asks afresh for the ticket, the
// reason and how the user's identity was verified. The new request goes through the policy
// and approval like any other.
func (b *Bot) followUp(ctx context.Context, who caller, value string) {
	action, id, ok := parseFollowUpValue(value)
	if !ok {
		b.log.WarnContext(ctx, "dropping a follow-up click with a bad value", "user", who.User)
		return
	}
	r, err := b.svc.Get(ctx, id)
	if err != nil {
		b.notAllowed(ctx, who, err)
		return
	}
	if r.Requester != who.User {
		b.log.InfoContext(ctx, "follow-up refused: not the requester", "request_id", r.ID, "user", who.User)
		b.notAllowed(ctx, who, approval.Errorf(approval.EFORBIDDEN,
			"Only the person who made this request can ask for %s from it. To ask yourself, use %s.", action, b.rd.command))
		return
	}
	who.Channel, who.To.Channel = r.Channel, r.Channel
	b.openRequestForm(ctx, who, requestPreset{Pool: r.Pool.Name, Target: r.Target.Username, Action: action})
}

// notAllowed tells the clicker why their click changed nothing.
func (b *Bot) notAllowed(ctx context.Context, who caller, err error) {
	if approval.ErrorCode(err) == approval.EINTERNAL {
		b.log.ErrorContext(ctx, "a click failed", "user", who.User, "err", err)
	}
	b.tell(ctx, who.To, b.rd.notAllowed(err))
}
