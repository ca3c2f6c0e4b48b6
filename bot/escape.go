package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/resetbot/resetbot/approval"
)

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// esc escapes text for Slack mrkdwn, so that nothing typed can become a mention (<!channel>),
// a disguised link or a user-group ping.
func esc(s string) string { return mrkdwnEscaper.Replace(s) }

// code shows s as inline code, escaped; a backtick in s would end the span, so it becomes a
// look-alike.
func code(s string) string {
	if s == "" {
		return "—"
	}
	return "`" + esc(strings.ReplaceAll(s, "`", "ˋ")) + "`"
}

// userRef shows a Cognito username as code, masked when it is an address, and shortened
// when it is long.
func userRef(username string) string { return codeWithin(approval.MaskRef(username), refBudget) }

// codeWithin is code, kept within n characters: a long s is shortened, never cut inside an
// entity. Secrets are never shortened: they go through code.
func codeWithin(s string, n int) string {
	if s == "" {
		return "—"
	}
	return "`" + escClip(strings.ReplaceAll(s, "`", "ˋ"), n-2) + "`"
}

// orDash escapes s, or shows a dash when it is empty.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return esc(s)
}

// mentionUser mentions a Slack user by id.
func mentionUser(id string) string {
	if id == "" {
		return "the bot"
	}
	if !isSlackID(id) {
		return esc(id)
	}
	return "<@" + id + ">"
}

// isSlackID reports whether s looks like a Slack id (upper-case letters and digits), so that
// it may go between < and > unescaped.
func isSlackID(s string) bool {
	if len(s) < 2 || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// slackDate renders t in each reader's own time zone, with a UTC fallback.
func slackDate(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty} at {time}|%s>", t.Unix(), t.UTC().Format("2006-01-02 15:04 UTC"))
}

// plural writes "1 approval", "2 approvals".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
