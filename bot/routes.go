package bot

import (
	"context"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// caller is the person behind an envelope, where they are and how to answer them.
type caller struct {
	Team       string
	Enterprise string
	Channel    string
	User       string
	Groups     []string // their Slack user groups: ids and @handles
	TriggerID  string   // opens a modal, for 3 s
	To         audience
}

func (c caller) facts() policy.Facts {
	return policy.Facts{Team: c.Team, Enterprise: c.Enterprise, Channel: c.Channel, Requester: c.User, Groups: c.Groups}
}

func (c caller) approver() policy.Approver { return policy.Approver{User: c.User, Groups: c.Groups} }

// The handlers of each table.
type (
	// envelopeHandler acknowledges an envelope and starts the work it asks for.
	envelopeHandler func(ctx context.Context, sm *socketmode.Client, evt socketmode.Event, received time.Time)
	// commandHandler answers a parsed slash command.
	commandHandler func(ctx context.Context, who caller, c Command)
	// clickHandler answers a button click; value is the button's value.
	clickHandler func(ctx context.Context, who caller, value string)
	// viewHandler checks a modal submission and returns the ack's payload (nil closes the
	// modal); follow-up work goes through goWork.
	viewHandler func(ctx context.Context, who caller, view slack.View) any
)

// routes are the bot's routing tables.
type routes struct {
	// envelopes route by the kind of envelope.
	envelopes map[socketmode.EventType]envelopeHandler
	// clicks route by action_id.
	clicks map[string]clickHandler
	// views route by callback_id.
	views map[string]viewHandler
}

func (b *Bot) newRoutes() routes {
	return routes{
		envelopes: map[socketmode.EventType]envelopeHandler{
			socketmode.EventTypeSlashCommand: b.onSlashCommand,
			socketmode.EventTypeInteractive:  b.onInteractive,
			socketmode.EventTypeEventsAPI:    b.onEvent,
		},
		clicks: map[string]clickHandler{
			actionApprove:  b.approve,
			actionDeny:     b.openDenyModal,
			actionCancel:   b.cancel,
			actionFollowUp: b.followUp,
		},
		views: map[string]viewHandler{
			callbackRequest: b.submitRequestModal,
			callbackDeny:    b.submitDenyModal,
		},
	}
}

// submission is what a caller asks for with a command.
func (c caller) submission(cmd Command) approval.Submission {
	return cmd.Submission(c.Team, c.Enterprise, c.Channel, c.User, c.Groups)
}
