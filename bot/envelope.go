package bot

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/resetbot/resetbot/approval"
)

// The envelopes' handlers. Each runs on the goroutine that reads the connection, so it only
// acknowledges the envelope and queues its work: an envelope whose ack carries nothing has
// been acknowledged already (see onEnvelope), and its payload is decoded by the work.

// onSlashCommand answers a slash command. Its ack carries an answer when the command is not
// the one the bot is configured for, so the reader decodes it (a slash command is small),
// acknowledges it and answers it in the background.
func (b *Bot) onSlashCommand(ctx context.Context, env *envelope) {
	const kind = envelopeSlashCommands
	var cmd slashCommand
	if err := decodePayload(env, &cmd); err != nil {
		b.log.WarnContext(ctx, "dropping an unreadable envelope", "kind", kind, "err", err)
		b.ack(ctx, env, kindDropped, nil)
		return
	}
	if !b.fromUs(ctx, kind, cmd.TeamID, cmd.EnterpriseID, cmd.APIAppID) {
		b.ack(ctx, env, kindDropped, nil)
		return
	}
	if cmd.Command != b.rd.command {
		// The Slack app's command and the bot's configured name differ: say so to the person,
		// who would otherwise see nothing at all.
		b.log.WarnContext(ctx, "answering a slash command the bot is not configured for", "command", cmd.Command, "configured", b.rd.command)
		b.ack(ctx, env, kind, map[string]any{
			"response_type": "ephemeral",
			"text": fmt.Sprintf("This bot answers %s, not %s. Ask whoever runs it to make the Slack app's slash command "+
				"and the bot's RESETBOT_COMMAND the same.", esc(b.rd.command), esc(cmd.Command)),
		})
		return
	}
	who := caller{
		Team: cmd.TeamID, Enterprise: cmd.EnterpriseID, Channel: cmd.ChannelID, User: cmd.UserID, TriggerID: cmd.TriggerID,
		To: audience{User: cmd.UserID, Channel: cmd.ChannelID, ResponseURL: cmd.ResponseURL},
	}
	// The work is counted before the ack goes out, so that whoever sees the ack can wait for
	// the work (Run's shutdown, tests).
	b.work.Add(1)
	b.ack(ctx, env, kind, nil)
	b.queueWork(ctx, func(ctx context.Context) {
		if b.firstDelivery(ctx, env) {
			b.command(ctx, who, cmd.Text)
		}
	})
}

// onEvent answers an Events API envelope, acknowledged already: the one event the app
// subscribes to is app_home_opened.
func (b *Bot) onEvent(ctx context.Context, env *envelope) {
	const kind = envelopeEventsAPI
	e, err := slackevents.ParseEvent(env.Payload, slackevents.OptionNoVerifyToken())
	if err != nil {
		b.log.WarnContext(ctx, "dropping an unreadable envelope", "kind", kind, "err", err)
		b.acked(env, kindDropped)
		return
	}
	if !b.fromUs(ctx, kind, e.TeamID, e.EnterpriseID, e.APIAppID) {
		b.acked(env, kindDropped)
		return
	}
	b.acked(env, kind)
	if opened, ok := e.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent); ok {
		b.onAppHomeOpened(ctx, opened)
	}
}

// onClick answers an interactive envelope whose ack carries nothing (a click), acknowledged
// already.
func (b *Bot) onClick(ctx context.Context, env *envelope) {
	var in interaction
	if err := decodePayload(env, &in); err != nil {
		b.log.WarnContext(ctx, "dropping an unreadable envelope", "kind", envelopeInteractive, "err", err)
		b.acked(env, kindDropped)
		return
	}
	kind := string(in.Type)
	if !b.fromUs(ctx, kind, in.Team.ID, in.Enterprise.ID, in.APIAppID) {
		b.acked(env, kindDropped)
		return
	}
	b.acked(env, kind)
	if in.Type != slack.InteractionTypeBlockActions {
		return
	}
	who := in.caller()
	if who.Envelope = claimedByDecision(env, &in); who.Envelope.ID == "" && !b.firstDelivery(ctx, env) {
		return
	}
	grouped := false
	for _, act := range in.Actions {
		handle, ok := b.routes.clicks[act.ActionID]
		if !ok {
			b.log.WarnContext(ctx, "dropping a click on an unknown button", "action_id", act.ActionID)
			continue
		}
		if !grouped && !b.withGroups(ctx, &who) {
			return
		}
		grouped = true
		handle(approval.WithCard(ctx, who.Card), who, act.Value)
	}
}

// onSubmission answers an interactive envelope whose ack may carry an answer: a modal
// submission, checked under ValidateTimeout because its field errors ride in the ack. It
// runs beside the queued work (goCheck), not behind it.
func (b *Bot) onSubmission(ctx context.Context, env *envelope) {
	b.goCheck(ctx, func(wctx context.Context) {
		vctx, cancel := context.WithTimeout(wctx, b.cfg.ValidateTimeout)
		defer cancel()
		var in interaction
		if err := decodePayload(env, &in); err != nil {
			b.log.WarnContext(ctx, "dropping an unreadable envelope", "kind", envelopeInteractive, "err", err)
			b.ack(ctx, env, kindDropped, nil)
			return
		}
		kind := string(in.Type)
		if !b.fromUs(ctx, kind, in.Team.ID, in.Enterprise.ID, in.APIAppID) {
			b.ack(ctx, env, kindDropped, nil)
			return
		}
		if in.Type != slack.InteractionTypeViewSubmission {
			b.ack(ctx, env, kind, nil)
			return
		}
		view, err := in.submittedView()
		if err != nil {
			b.log.WarnContext(ctx, "dropping an unreadable envelope", "kind", kind, "err", err)
			b.ack(ctx, env, kindDropped, nil)
			return
		}
		handle, ok := b.routes.views[view.CallbackID]
		if !ok {
			b.ack(ctx, env, kind, nil)
			b.log.WarnContext(ctx, "dropping the submission of an unknown modal", "callback_id", view.CallbackID)
			return
		}
		if !b.firstDelivery(vctx, env) {
			b.ack(ctx, env, kindDropped, nil)
			return
		}
		who := in.caller()
		var payload any
		if err := b.readGroups(vctx, &who); err != nil {
			// Keep the modal open, with what went wrong beside its first field.
			payload = slack.NewErrorsViewSubmissionResponse(map[string]string{
				viewErrorFields[view.CallbackID]: approval.ErrorMessage(errGroupsUnavailable)})
		} else {
			payload = handle(vctx, who, view)
		}
		b.ack(ctx, env, kind, payload)
	})
}

// errGroupsUnavailable answers a person whose user groups could not be read.
var errGroupsUnavailable = approval.Errorf(approval.EINTERNAL,
	"I could not read Slack's user groups, so I cannot tell what you may do. Try again in a minute.")

// viewErrorFields name, by callback_id, the input beside which a modal shows a problem that
// belongs to no field.
var viewErrorFields = map[string]string{callbackRequest: fieldAction, callbackDeny: fieldDenyReason}

// readGroups sets the caller's Slack user groups.
func (b *Bot) readGroups(ctx context.Context, who *caller) error {
	groups, err := b.groups.of(ctx, who.User)
	if err != nil {
		b.log.ErrorContext(ctx, "reading Slack user groups failed", "user", who.User, "err", err)
		return err
	}
	who.Groups = groups
	return nil
}

// withGroups sets the caller's Slack user groups; when they cannot be read it tells the
// caller and returns false.
func (b *Bot) withGroups(ctx context.Context, who *caller) bool {
	if err := b.readGroups(ctx, who); err != nil {
		if b.answerable(ctx, *who) {
			b.tell(ctx, who.To, b.rd.failure(errGroupsUnavailable))
		}
		return false
	}
	return true
}
