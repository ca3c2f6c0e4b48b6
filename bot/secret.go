package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/slackhttp"
	"github.com/resetbot/resetbot/policy"
)

// presence is what the bot knows of whether a person is in Slack now.
type presence string

const (
	presenceActive  presence = "active"
	presenceAway    presence = "away"
	presenceUnknown presence = "unknown" // users.getPresence failed or answered something else
)

// slackPresences maps users.getPresence's answers to what the bot knows.
var slackPresences = map[string]presence{"active": presenceActive, "away": presenceAway}

// secretWay is one way of showing a password to the requester alone.
type secretWay string

const (
	// viaEphemeral is a message only the requester sees, in the request's channel. Slack shows
	// it only to someone active in Slack at that moment, and never again after a reload.
	viaEphemeral secretWay = "ephemeral"
	// viaDirectMessage is a message in the bot's direct-message conversation with the
	// requester, which waits there for them.
	viaDirectMessage secretWay = "direct_message"
)

// secretWays are the ways to try, in order, for the requester's presence. chat.postEphemeral
// answers ok whether or not the person is there to see it, so a requester who is away (an
// approval may come hours after the request) gets a direct message; so does one whose
// presence Slack did not tell, with the ephemeral message as the last resort.
var secretWays = map[presence][]secretWay{
	presenceActive:  {viaEphemeral, viaDirectMessage},
	presenceAway:    {viaDirectMessage},
	presenceUnknown: {viaDirectMessage, viaEphemeral},
}

// secretSenders post a rendered password the way they are named for, to the requester alone.
var secretSenders = map[secretWay]func(ctx context.Context, n *Notifier, r *approval.Request, m message) error{
	viaEphemeral: func(ctx context.Context, n *Notifier, r *approval.Request, m message) error {
		if _, err := n.client.PostEphemeralContext(ctx, r.Channel, r.Requester, msgOptions(m)...); err != nil {
			return fmt.Errorf("post an ephemeral message in %s: %w", r.Channel, err)
		}
		return nil
	},
	viaDirectMessage: func(ctx context.Context, n *Notifier, r *approval.Request, m message) error {
		ch, ts, err := n.postDirect(ctx, r.Requester, m)
		if err == nil && r.Action == policy.ActionPermanentPassword && n.rd.permanentDMTTL > 0 {
			n.deleteLater(ch, ts, r.ID)
		}
		return err
	},
}

// DeliverSecret shows the password to the requester alone: in the request's channel as an
// ephemeral message when Slack says they are active now, else as a direct message (see
// secretWays). Cognito has already set it, so a way that fails for now (a rate limit outlasting
// a call's deadline, Slack failing) is tried again, round after round with a growing pause,
// until ctx ends; only a way Slack refuses for good is dropped. The log says which way it went;
// neither the log nor the error holds the password.
func (n *Notifier) DeliverSecret(ctx context.Context, r *approval.Request, s approval.Secret) error {
	p := n.presenceOf(ctx, r.Requester)
	ways := secretWays[p]
	var errs []error
	pause := firstSecretPause
	for round := 1; ; round++ {
		var left []secretWay
		for _, way := range ways {
			err := secretSenders[way](ctx, n, r, n.rd.secret(r, s, way))
			if err == nil {
				n.log.InfoContext(ctx, "password shown to the requester", "request_id", r.ID, "user", r.Requester,
					"presence", p, "via", way, "round", round)
				return nil
			}
			n.log.WarnContext(ctx, "showing the password failed", "request_id", r.ID, "user", r.Requester,
				"presence", p, "via", way, "round", round, "for_good", refusedForGood(err), "err", err)
			errs = append(errs, fmt.Errorf("%s: %w", way, err))
			if !refusedForGood(err) {
				left = append(left, way)
			}
		}
		if ways = left; len(ways) == 0 || slackhttp.Sleep(ctx, pause) != nil {
			break
		}
		pause = min(2*pause, maxSecretPause)
	}
	return fmt.Errorf("deliver the password of %s to %s (presence %s): %w", r.ID, r.Requester, p, errors.Join(errs...))
}

// The pauses between rounds of DeliverSecret.
const (
	firstSecretPause = time.Second
	maxSecretPause   = 30 * time.Second
)

// passingSlackErrors are the error answers of Slack's that may pass on their own; any other
// error answer is a refusal for good (user_not_found, channel_not_found, is_archived, ...).
var passingSlackErrors = map[string]bool{
	"ratelimited": true, "fatal_error": true, "internal_error": true, "request_timeout": true, "service_unavailable": true,
}

// refusedForGood reports whether Slack refused a call in a way trying again will not change.
// Errors that are not Slack's answers (a deadline, a lost connection, a rate limit whose
// Retry-After outlasted the call) may pass.
func refusedForGood(err error) bool {
	var se slack.SlackErrorResponse
	return errors.As(err, &se) && !passingSlackErrors[se.Err]
}

// presenceOf asks Slack whether user is active in Slack now.
func (n *Notifier) presenceOf(ctx context.Context, user string) presence {
	up, err := n.client.GetUserPresenceContext(ctx, user)
	if err != nil {
		n.log.WarnContext(ctx, "reading the requester's presence failed", "user", user, "err", err)
		return presenceUnknown
	}
	p, ok := slackPresences[up.Presence]
	if !ok {
		n.log.WarnContext(ctx, "Slack answered an unknown presence", "user", user, "presence", up.Presence)
		return presenceUnknown
	}
	return p
}
