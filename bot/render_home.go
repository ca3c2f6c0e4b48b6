package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
)

// callbackHome is the callback_id of the Home tab.
const callbackHome = "home"

// cardLink makes a link to a request's card from its thread: a permalink when the workspace's
// URL is known, else the channel.
type cardLink func(th approval.Thread) string

// queueList is one list of a person's queue, as the Home tab and `pending` show it.
type queueList struct {
	title string
	empty string
	line  func(r *approval.Request, link cardLink, now time.Time) string
	of    func(q approval.Queue) (list []*approval.Request, total int)
}

// maxQueueLines bounds each list; the rest is counted.
const maxQueueLines = approval.ListLimit

var (
	waitingList = queueList{
		title: "⏳ Waiting for your approval",
		empty: "Nothing waits for you.",
		line: func(r *approval.Request, link cardLink, now time.Time) string {
			return fmt.Sprintf("• *%s* %s in *%s* · asked by %s %s · %s", r.Action.Title(), userRef(r.Target.Username),
				esc(r.Pool.Name), mentionUser(r.Requester), ago(r.CreatedAt, now), link(r.Thread))
		},
		of: func(q approval.Queue) ([]*approval.Request, int) { return q.Waiting, q.WaitingTotal },
	}
	mineList = queueList{
		title: "🙋 Your open requests",
		empty: "You have no open request.",
		line: func(r *approval.Request, link cardLink, now time.Time) string {
			return fmt.Sprintf("• *%s* %s in *%s* · %s · %s · asked %s · %s", r.Action.Title(), userRef(r.Target.Username),
				esc(r.Pool.Name), styleOf(r.State).label, plural(len(r.Approvals), "approval", "approvals")+fmt.Sprintf(" of %d", r.ApprovalsNeeded),
				ago(r.CreatedAt, now), link(r.Thread))
		},
		of: func(q approval.Queue) ([]*approval.Request, int) { return q.Mine, q.MineTotal },
	}
	decidedList = queueList{
		title: "🗂 Your last decisions",
		empty: "You have decided nothing yet.",
		line: func(r *approval.Request, link cardLink, now time.Time) string {
			return fmt.Sprintf("• *%s* %s in *%s* · asked by %s · now %s · %s", r.Action.Title(), userRef(r.Target.Username),
				esc(r.Pool.Name), mentionUser(r.Requester), styleOf(r.State).label, link(r.Thread))
		},
		of: func(q approval.Queue) ([]*approval.Request, int) { return q.Decided, len(q.Decided) },
	}
)

// ago says when something happened, as Slack shows it to the reader ("3 minutes ago").
func ago(t, now time.Time) string {
	return fmt.Sprintf("<!date^%d^{ago}|%s ago>", t.Unix(), humanAgo(now.Sub(t)))
}

// humanAgo is the fallback text of ago, for clients that do not format dates.
func humanAgo(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "moments"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute", "minutes")
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour", "hours")
	}
	return plural(int(d/(24*time.Hour)), "day", "days")
}

// queueSection renders one list as a section.
func (rd renderer) queueSection(l queueList, q approval.Queue, link cardLink, now time.Time) *slack.SectionBlock {
	rs, total := l.of(q)
	head := fmt.Sprintf("*%s* (%d)", l.title, total)
	if len(rs) == 0 {
		return section(head + "\n" + l.empty)
	}
	lines := make([]string, 0, min(len(rs), maxQueueLines))
	for _, r := range rs[:min(len(rs), maxQueueLines)] {
		lines = append(lines, l.line(r, link, now))
	}
	return section(head + joinWithin(lines, listBudget, total))
}

// home renders a person's Home tab: what waits for their approval, their open requests and
// their last decisions, each with a link to its card.
func (rd renderer) home(q approval.Queue, link cardLink, now time.Time) slack.HomeTabViewRequest {
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain("Cognito requests")),
		rd.queueSection(waitingList, q, link, now),
		slack.NewDividerBlock(),
		rd.queueSection(mineList, q, link, now),
		slack.NewDividerBlock(),
		rd.queueSection(decidedList, q, link, now),
		contextLine(fmt.Sprintf("As of %s. Approve or deny on the request's card. `%s pending` shows the same lists in any channel.",
			slackDate(now), esc(rd.command))),
	}
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, CallbackID: callbackHome, Blocks: slack.Blocks{BlockSet: blocks}}
}

// pending answers `pending`: what waits for the caller's approval, and their open requests.
func (rd renderer) pending(q approval.Queue, link cardLink, now time.Time) message {
	text := fmt.Sprintf("%d waiting for your approval, %d open requests of yours.", q.WaitingTotal, q.MineTotal)
	return message{Text: text, Blocks: []slack.Block{
		rd.queueSection(waitingList, q, link, now),
		rd.queueSection(mineList, q, link, now),
	}}
}

// permalink links to a message from the workspace's URL ("https://example.slack.com/"), as
// Slack's own permalinks do; without the URL it names the channel.
func permalink(workspaceURL string) cardLink {
	return func(th approval.Thread) string {
		switch {
		case th.TS == "":
			return "no card yet"
		case workspaceURL == "":
			return "card in <#" + th.Channel + ">"
		}
		return fmt.Sprintf("<%sarchives/%s/p%s|Open the card>", workspaceURL, th.Channel, strings.ReplaceAll(th.TS, ".", ""))
	}
}
