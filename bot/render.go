package bot

import (
	"strings"
	"time"

	"github.com/resetbot/resetbot/internal/words"

	"github.com/slack-go/slack"
)

// renderer turns the workflow's values into Block Kit. It is pure: what it needs from Slack
// (user-group ids for handles) is handed to it.
type renderer struct {
	command string // the slash command's name, e.g. "/cognito"
	dryRun  bool
	// groupID returns the id of the user group with this @handle, when known.
	groupID func(handle string) (string, bool)
	// permanentDMTTL is how long a permanent password stays in a direct message.
	permanentDMTTL time.Duration
}

// message is what is posted: blocks and the plain-text fallback for notifications.
type message struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks"`
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

// section is a section block of mrkdwn, clipped to Slack's limit.
func section(s string) *slack.SectionBlock {
	return slack.NewSectionBlock(mrkdwn(clipMrkdwn(s, maxSectionText)), nil, nil)
}

// field is one of a section's fields, clipped to Slack's limit.
func field(s string) *slack.TextBlockObject { return mrkdwn(clipMrkdwn(s, maxFieldText)) }

func contextLine(s string) *slack.ContextBlock {
	return slack.NewContextBlock("", mrkdwn(clipMrkdwn(s, maxSectionText)))
}

// mentionApprover mentions an approver entry of the policy: a user id as a user mention, a
// user-group id or a known @handle as a group mention (which notifies its members), anything
// else as escaped text.
func (rd renderer) mentionApprover(s string) string {
	switch {
	case strings.HasPrefix(s, "@"):
		if rd.groupID != nil {
			if id, ok := rd.groupID(s); ok && isSlackID(id) {
				return "<!subteam^" + id + ">"
			}
		}
		return esc(s)
	case strings.HasPrefix(s, "S") && isSlackID(s):
		return "<!subteam^" + s + ">"
	case (strings.HasPrefix(s, "U") || strings.HasPrefix(s, "W")) && isSlackID(s):
		return "<@" + s + ">"
	}
	return esc(s)
}

func (rd renderer) approverList(as []string) string {
	if len(as) == 0 {
		return "nobody (the policy names no approver)"
	}
	ms := make([]string, len(as))
	for i, a := range as {
		ms[i] = rd.mentionApprover(a)
	}
	return words.Or(ms)
}

// dryRunMark is shown on everything the bot posts while Cognito is only read.
const dryRunMark = "DRY RUN"
