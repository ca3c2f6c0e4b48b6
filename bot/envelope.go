package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/resetbot/resetbot/approval"
)

// onSlashCommand acknowledges a slash command at once and answers it in the background.
func (b *Bot) onSlashCommand(ctx context.Context, sm *socketmode.Client, evt socketmode.Event, received time.Time) {
	const kind = "slash_commands"
	cmd, ok := evt.Data.(slack.SlashCommand)
	if !ok || !b.fromUs(ctx, kind, cmd.TeamID, cmd.EnterpriseID, cmd.APIAppID) {
		b.ack(ctx, sm, evt.Request, "dropped", received, nil)
		return
	}
	// The work is registered before the ack goes out, so that whoever sees the ack can wait
	// for the work (Run's shutdown, tests).
	if cmd.Command != b.rd.command {
		// The Slack app's command and the bot's configured name differ: say so to the person,
		// who would otherwise see nothing at all.
		b.log.WarnContext(ctx, "answering a slash command the bot is not configured for", "command", cmd.Command, "configured", b.rd.command)
		b.ack(ctx, sm, evt.Request, kind, received, map[string]any{
			"response_type": "ephemeral",
			"text": fmt.Sprintf("This bot answers %s, not %s. Ask whoever runs it to make the Slack app's slash command "+
				"and the bot's RESETBOT_COMMAND the same.", esc(b.rd.command), esc(cmd.Command)),
		})
		return
	}
	defer b.ack(ctx, sm, evt.Request, kind, received, nil)
	who := caller{
		Team: cmd.TeamID, Enterprise: cmd.EnterpriseID, Channel: cmd.ChannelID, User: cmd.UserID, TriggerID: cmd.TriggerID,
		To: audience{User: cmd.UserID, Channel: cmd.ChannelID, ResponseURL: cmd.ResponseURL},
	}
	b.goWork(ctx, func(ctx context.Context) {
		if b.firstDelivery(ctx, evt.Request, received) {
			b.command(ctx, who, cmd.Text)
		}
	})
}

// onEvent acknowledges an Events API envelope at once, so that Slack does not deliver it
// again, then answers the one event the app subscribes to: app_home_opened.
func (b *Bot) onEvent(ctx context.Context, sm *socketmode.Client, evt socketmode.Event, received time.Time) {
	const kind = "events_api"
	e, ok := evt.Data.(slackevents.EventsAPIEvent)
	if !ok || !b.fromUs(ctx, kind, e.TeamID, e.EnterpriseID, e.APIAppID) {
		b.ack(ctx, sm, evt.Request, "dropped", received, nil)
		return
	}
	defer b.ack(ctx, sm, evt.Request, kind, received, nil)
	if opened, ok := e.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent); ok {
		b.onAppHomeOpened(ctx, opened)
	}
}

// onInteractive acknowledges a click at once and answers it in the background; a modal
// submission is checked first, as its errors ride in the ack.
func (b *Bot) onInteractive(ctx context.Context, sm *socketmode.Client, evt socketmode.Event, received time.Time) {
	cb, ok := evt.Data.(slack.InteractionCallback)
	kind := string(cb.Type)
	if !ok || !b.fromUs(ctx, kind, cb.Team.ID, cb.Enterprise.ID, cb.APIAppID) {
		b.ack(ctx, sm, evt.Request, "dropped", received, nil)
		return
	}
	who := caller{
		Team: cb.Team.ID, Enterprise: cb.Enterprise.ID, Channel: cb.Channel.ID, User: cb.User.ID, TriggerID: cb.TriggerID,
		To: audience{User: cb.User.ID, Channel: cb.Channel.ID, ThreadTS: cb.Container.ThreadTs, ResponseURL: cb.ResponseURL},
	}
	if who.Channel == "" {
		who.Channel = cb.Container.ChannelID
		who.To.Channel = who.Channel
	}
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		defer b.ack(ctx, sm, evt.Request, kind, received, nil)
		b.goWork(ctx, func(ctx context.Context) {
			if !b.firstDelivery(ctx, evt.Request, received) {
				return
			}
			grouped := false
			for _, act := range cb.ActionCallback.BlockActions {
				handle, ok := b.routes.clicks[act.ActionID]
				if !ok {
					b.log.WarnContext(ctx, "dropping a click on an unknown button", "action_id", act.ActionID)
					continue
				}
				if !grouped && !b.withGroups(ctx, &who) {
					return
				}
				grouped = true
				handle(ctx, who, act.Value)
			}
		})
	case slack.InteractionTypeViewSubmission:
		handle, ok := b.routes.views[cb.View.CallbackID]
		if !ok {
			b.ack(ctx, sm, evt.Request, kind, received, nil)
			b.log.WarnContext(ctx, "dropping the submission of an unknown modal", "callback_id", cb.View.CallbackID)
			return
		}
		// The check runs off the event loop, under its own deadline, and acks when done.
		b.goCheck(ctx, func(wctx context.Context) {
			vctx, cancel := context.WithTimeout(wctx, b.cfg.ValidateTimeout)
			defer cancel()
			if !b.firstDelivery(vctx, evt.Request, received) {
				b.ack(ctx, sm, evt.Request, "dropped", received, nil)
				return
			}
			var payload any
			if err := b.readGroups(vctx, &who); err != nil {
				// Keep the modal open, with what went wrong beside its first field.
				payload = slack.NewErrorsViewSubmissionResponse(map[string]string{
					viewErrorFields[cb.View.CallbackID]: approval.ErrorMessage(errGroupsUnavailable)})
			} else {
				payload = handle(vctx, who, cb.View)
			}
			b.ack(ctx, sm, evt.Request, kind, received, payload)
		})
	default:
		b.ack(ctx, sm, evt.Request, kind, received, nil)
	}
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
		b.tell(ctx, who.To, b.rd.failure(errGroupsUnavailable))
		return false
	}
	return true
}
