package bot

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// noticeStyle is how a thread reply shows one kind of step.
type noticeStyle struct {
	emoji string
	// fallback says the step when the workflow gave no text.
	fallback func(r *approval.Request) string
	// extra, when set, is added after the text (mentions that notify people).
	extra func(rd renderer, r *approval.Request) string
}

var noticeStyles = map[approval.NoticeKind]noticeStyle{
	approval.NoticeApproved: {emoji: "👍", fallback: func(r *approval.Request) string {
		return fmt.Sprintf("Approved (%d of %d).", len(r.Approvals), r.ApprovalsNeeded)
	}},
	approval.NoticeDenied: {emoji: "⛔", fallback: func(r *approval.Request) string {
		if r.DenyReason != "" {
			return "Denied: " + approval.MaskAddresses(r.DenyReason)
		}
		return "Denied."
	}},
	approval.NoticeCancelled: {emoji: "🚫", fallback: func(*approval.Request) string { return "Cancelled." }},
	approval.NoticeExpired: {emoji: "⌛", fallback: func(*approval.Request) string {
		return "Expired before enough approvals came in. Nothing was changed."
	}},
	approval.NoticeReminder: {emoji: "⏰", fallback: func(r *approval.Request) string {
		return fmt.Sprintf("Still waiting: %d of %d approvals.", len(r.Approvals), r.ApprovalsNeeded)
	}, extra: func(rd renderer, r *approval.Request) string {
		return "\n" + rd.approverList(r.Approvers) + ", can you take a look?"
	}},
	approval.NoticeRunning: {emoji: "⚙️", fallback: func(r *approval.Request) string {
		return fmt.Sprintf("Running %s for %s.", r.Action, approval.MaskRef(r.Target.Username))
	}},
	approval.NoticeSucceeded: {emoji: "✅", fallback: func(*approval.Request) string { return "Done." }},
	approval.NoticeFailed:    {emoji: "❌", fallback: func(*approval.Request) string { return "It did not work." }},
	approval.NoticeInterrupted: {emoji: "⚠️", fallback: func(*approval.Request) string {
		return "The run was interrupted; it is not run again by itself. Check the user with status before asking again."
	}},
}

// notice renders one step of a request as a reply in its thread: who did it, the workflow's
// words for it, and a follow-up button when the workflow offers one.
func (rd renderer) notice(r *approval.Request, n approval.Notice) message {
	st, ok := noticeStyles[n.Kind]
	if !ok {
		st = noticeStyle{emoji: "•", fallback: func(*approval.Request) string { return string(n.Kind) }}
	}
	text := strings.TrimSpace(n.Text)
	if text == "" {
		text = st.fallback(r)
	}
	line := st.emoji + " "
	if rd.isDryRun(r) && (n.Kind == approval.NoticeRunning || n.Kind == approval.NoticeSucceeded || n.Kind == approval.NoticeFailed) {
		line += "*[" + dryRunMark + "]* "
	}
	if n.Actor != "" {
		line += mentionUser(n.Actor) + ": "
	}
	line += esc(text)
	if st.extra != nil {
		line += st.extra(rd, r)
	}
	blocks := []slack.Block{section(line)}
	if n.FollowUp != "" {
		b := slack.NewButtonBlockElement(actionFollowUp, followUpValue(n.FollowUp, r.ID),
			plain(fmt.Sprintf("Ask to %s %s", n.FollowUp.Phrase(), truncate(approval.MaskRef(r.Target.Username), 30))))
		b.Style = slack.StylePrimary
		blocks = append(blocks,
			slack.NewActionBlock("follow_up", b),
			contextLine("This submits a new request for "+userRef(r.Target.Username)+" in *"+esc(r.Pool.Name)+
				"*, with the same ticket and reason; it needs its own approval."))
	}
	return message{Text: line, Blocks: blocks}
}

// followUpValue packs a follow-up button's value: the action, then the request it follows.
func followUpValue(a policy.Action, requestID string) string { return string(a) + ":" + requestID }

// parseFollowUpValue unpacks followUpValue.
func parseFollowUpValue(v string) (policy.Action, string, bool) {
	name, id, ok := strings.Cut(v, ":")
	if !ok || id == "" {
		return "", "", false
	}
	a, ok := policy.ParseAction(name)
	if !ok || a.ReadOnly() {
		return "", "", false
	}
	return a, id, true
}

// truncate shortens s to at most n characters, for plain-text labels with length limits.
func truncate(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}
