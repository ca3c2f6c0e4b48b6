package bot

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// noticeHeadlines write the first line of a thread reply for each kind of step.
var noticeHeadlines = map[approval.NoticeKind]func(rd renderer, r *approval.Request, n approval.Notice) string{
	approval.NoticeApproved: func(_ renderer, r *approval.Request, n approval.Notice) string {
		return fmt.Sprintf("👍 %s approved (%d of %d).", mentionUser(n.Actor), len(r.Approvals), r.ApprovalsNeeded)
	},
	approval.NoticeDenied: func(_ renderer, r *approval.Request, n approval.Notice) string {
		s := "⛔ " + mentionUser(n.Actor) + " denied the request"
		if r.DenyReason != "" {
			return s + ": " + esc(r.DenyReason)
		}
		return s + "."
	},
	approval.NoticeCancelled: func(_ renderer, _ *approval.Request, n approval.Notice) string {
		return "🚫 " + mentionUser(n.Actor) + " cancelled the request."
	},
	approval.NoticeExpired: func(renderer, *approval.Request, approval.Notice) string {
		return "⌛ The request expired before enough approvals came in."
	},
	approval.NoticeReminder: func(rd renderer, r *approval.Request, _ approval.Notice) string {
		return fmt.Sprintf("⏰ Still waiting: %d of %d approvals. %s, can you take a look?",
			len(r.Approvals), r.ApprovalsNeeded, rd.approverList(r.Approvers))
	},
	approval.NoticeRunning: func(_ renderer, r *approval.Request, _ approval.Notice) string {
		return fmt.Sprintf("⚙️ Running: about to %s %s in %s.", actionPhrase(r.Action), code(r.Target.Username), esc(r.Pool.Name))
	},
	approval.NoticeSucceeded: func(renderer, *approval.Request, approval.Notice) string {
		return "✅ Done."
	},
	approval.NoticeFailed: func(renderer, *approval.Request, approval.Notice) string {
		return "❌ It did not work."
	},
	approval.NoticeInterrupted: func(renderer, *approval.Request, approval.Notice) string {
		return "⚠️ The run was interrupted; it is not run again by itself. Check the user with status before asking again."
	},
}

// notice renders one step of a request as a reply in its thread.
func (rd renderer) notice(r *approval.Request, n approval.Notice) message {
	headline := string(n.Kind)
	if h, ok := noticeHeadlines[n.Kind]; ok {
		headline = h(rd, r, n)
	}
	if rd.isDryRun(r) && (n.Kind == approval.NoticeRunning || n.Kind == approval.NoticeSucceeded || n.Kind == approval.NoticeFailed) {
		headline = "*[" + dryRunMark + "]* " + headline
	}
	body := headline
	if t := strings.TrimSpace(n.Text); t != "" {
		body += "\n" + esc(t)
	}
	blocks := []slack.Block{section(body)}
	if n.FollowUp != "" {
		b := slack.NewButtonBlockElement(actionFollowUp, followUpValue(n.FollowUp, r.ID),
			plain(fmt.Sprintf("Ask to %s %s", actionPhrase(n.FollowUp), truncate(r.Target.Username, 30))))
		b.Style = slack.StylePrimary
		blocks = append(blocks,
			slack.NewActionBlock("follow_up", b),
			contextLine("This submits a new request for "+code(r.Target.Username)+" in *"+esc(r.Pool.Name)+
				"*, with the same ticket and reason; it needs its own approval."))
	}
	return message{Text: headline, Blocks: blocks}
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
