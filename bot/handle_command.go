package bot

import (
	"context"
	"errors"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// command answers the slash command: a parse error with the usage, or the parsed command's
// route.
func (b *Bot) command(ctx context.Context, who caller, text string) {
	c, err := ParseCommand(text)
	if err != nil {
		b.tell(ctx, who.To, b.rd.parseError(err))
		return
	}
	if !b.withGroups(ctx, &who) {
		return
	}
	switch c.Kind {
	case KindModal:
		b.openRequestModal(ctx, who, c)
	case KindHelp:
		b.help(ctx, who, c)
	case KindAction:
		b.action(ctx, who, c)
	case KindPending:
		b.pending(ctx, who, c)
	}
}

// permitted lists the pools, in the policy's order, with the actions the caller may ask for
// in each, here.
func (b *Bot) permitted(who caller) []PoolActions {
	byPool := b.pol.Permitted(who.facts())
	var out []PoolActions
	for _, p := range b.pol.Pools() {
		if as := byPool[p.Name]; len(as) > 0 {
			out = append(out, PoolActions{Pool: p, Actions: as})
		}
	}
	return out
}

// help answers `help`: the usage and what the caller may ask for here.
func (b *Bot) help(ctx context.Context, who caller, _ Command) {
	b.tell(ctx, who.To, b.rd.help(b.permitted(who), b.pol.IdentityChecks()))
}

// openRequestModal answers the bare command with the request modal, offering only what the
// caller may ask for here.
func (b *Bot) openRequestModal(ctx context.Context, who caller, _ Command) {
	b.openRequestForm(ctx, who, requestPreset{})
}

// openRequestForm opens the request modal filled in with preset, offering only what the
// caller may ask for in their channel; someone who may ask for nothing there gets the help.
func (b *Bot) openRequestForm(ctx context.Context, who caller, preset requestPreset) {
	may := b.permitted(who)
	if len(may) == 0 {
		b.tell(ctx, who.To, b.rd.help(nil, nil))
		return
	}
	view, err := b.rd.requestModal(may, b.pol.IdentityChecks(), requestMeta{Channel: who.Channel, ResponseURL: who.To.ResponseURL}, preset)
	if err != nil {
		b.log.ErrorContext(ctx, "rendering the request modal failed", "err", err)
		b.tell(ctx, who.To, b.rd.failure(err))
		return
	}
	if _, err := b.client.OpenViewContext(ctx, who.TriggerID, view); err != nil {
		b.log.WarnContext(ctx, "opening the request modal failed", "user", who.User, "err", err)
		b.tell(ctx, who.To, b.rd.failure(errModalNotOpened))
	}
}

var errModalNotOpened = approval.Errorf(approval.EINTERNAL,
	"I could not open the form in time. Try again, or type the request on one line (see help).")

// action answers a command naming an action: read-only ones at once, others as a request.
func (b *Bot) action(ctx context.Context, who caller, c Command) {
	if h, ok := b.readOnly(c.Action); ok {
		h(ctx, who, c)
		return
	}
	b.submit(ctx, who, who.submission(c))
}

// readOnly returns the handler of an action answered at once; every other action is
// submitted.
func (b *Bot) readOnly(a policy.Action) (commandHandler, bool) {
	switch a {
	case policy.ActionStatus:
		return b.status, true
	case policy.ActionHistory:
		return b.history, true
	case policy.ActionReset, policy.ActionTempPassword, policy.ActionPermanentPassword,
		policy.ActionVerifyEmail, policy.ActionVerifyPhone, policy.ActionSignOut:
	}
	return nil, false
}

// submit submits a request; its card is the answer, and the Home tabs it concerns show it. A
// refusal is told to the caller alone.
func (b *Bot) submit(ctx context.Context, who caller, sub approval.Submission) {
	r, err := b.svc.Submit(ctx, sub)
	if err != nil {
		b.refuse(ctx, who, err)
		return
	}
	b.log.DebugContext(ctx, "request submitted from Slack", "request_id", r.ID, "user", who.User)
	b.republishHomes(ctx, r) // once its card's thread is saved, for the Home tabs to link to it
}

// refuse tells the caller why the workflow said no; a channel the bot is not in gets the
// explanation of how to invite it.
func (b *Bot) refuse(ctx context.Context, who caller, err error) {
	if notInChannel(err) {
		b.tell(ctx, who.To, b.rd.inviteMe(who.Channel))
		return
	}
	if approval.ErrorCode(err) == approval.EINTERNAL {
		b.log.ErrorContext(ctx, "the workflow failed", "user", who.User, "err", err)
	}
	var open *approval.OpenRequestError
	if errors.As(err, &open) && open.Open != nil {
		b.tell(ctx, who.To, b.rd.alreadyOpen(open.Open, permalink(b.notifier.workspaceURL(ctx))))
		return
	}
	b.tell(ctx, who.To, b.rd.failure(err))
}

// status answers `status USER`.
func (b *Bot) status(ctx context.Context, who caller, c Command) {
	rep, err := b.svc.Status(ctx, who.submission(c))
	if err != nil {
		b.refuse(ctx, who, err)
		return
	}
	b.tell(ctx, who.To, b.rd.status(rep))
}

// history answers `history USER`.
func (b *Bot) history(ctx context.Context, who caller, c Command) {
	rs, err := b.svc.History(ctx, who.submission(c))
	if err != nil {
		b.refuse(ctx, who, err)
		return
	}
	b.tell(ctx, who.To, b.rd.history(c.Target, rs))
}

// pending answers `pending`: what waits for the caller's approval, and their open requests.
func (b *Bot) pending(ctx context.Context, who caller, _ Command) {
	q, err := b.svc.QueueOf(ctx, who.approver())
	if err != nil {
		b.refuse(ctx, who, err)
		return
	}
	b.tell(ctx, who.To, b.rd.pending(q, permalink(b.notifier.workspaceURL(ctx)), b.notifier.now()))
}
