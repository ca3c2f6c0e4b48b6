package bot

import (
	"context"

	"github.com/slack-go/slack"

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
	// Envelope is the click's envelope when the workflow claims it with its decision (see
	// claimedByDecision); zero when it was claimed before the click was handled.
	Envelope approval.Envelope
	// Card is the message whose button was clicked, when it is a message in a channel's
	// timeline (a request's card); the workflow saves it as the thread of a request that has
	// none (approval.WithCard).
	Card approval.Thread
}

func (c caller) facts() policy.Facts {
	return policy.Facts{Team: c.Team, Enterprise: c.Enterprise, Channel: c.Channel, Requester: c.User, Groups: c.Groups}
}

func (c caller) approver() policy.Approver { return policy.Approver{User: c.User, Groups: c.Groups} }

// The handlers of each table.
type (
	// envelopeHandler handles an envelope (see envelopeRoute).
	envelopeHandler func(ctx context.Context, env *envelope)
	// commandHandler answers a parsed slash command.
	commandHandler func(ctx context.Context, who caller, c Command)
	// clickHandler answers a button click; value is the button's value.
	clickHandler func(ctx context.Context, who caller, value string)
	// viewHandler checks a modal submission and returns the ack's payload (nil closes the
	// modal); follow-up work goes through goWork.
	viewHandler func(ctx context.Context, who caller, view slack.View) any
)

// envelopeRoute is how an envelope of one type is handled (see onEnvelope).
type envelopeRoute struct {
	// answer handles an envelope whose ack may carry an answer (accepts_response_payload),
	// and every envelope of its type when work is nil. It runs on the goroutine that reads
	// the connection, acknowledges the envelope itself, and queues its slow work.
	answer envelopeHandler
	// work handles an envelope acknowledged already, in the work pool: it decodes the
	// payload and does what it asks.
	work envelopeHandler
}

// routes are the bot's routing tables.
type routes struct {
	// envelopes route by the envelope's type.
	envelopes map[string]envelopeRoute
	// clicks route by action_id.
	clicks map[string]clickHandler
	// views route by callback_id.
	views map[string]viewHandler
}

func (b *Bot) newRoutes() routes {
	return routes{
		envelopes: map[string]envelopeRoute{
			envelopeSlashCommands: {answer: b.onSlashCommand},
			envelopeInteractive:   {answer: b.onSubmission, work: b.onClick},
			envelopeEventsAPI:     {work: b.onEvent},
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
