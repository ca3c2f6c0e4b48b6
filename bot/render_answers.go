package bot

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// PoolActions are the actions a person may ask for in one pool (for help and the modal).
type PoolActions struct {
	Pool    policy.Pool
	Actions []policy.Action
}

// help renders the usage and what this person may ask for here.
func (rd renderer) help(may []PoolActions, checks []policy.IdentityCheck) message {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s* asks for a Cognito user's password to be reset, under the approval policy.\n", esc(rd.command))
	fmt.Fprintf(&b, "• `%s` opens a form\n", esc(rd.command))
	fmt.Fprintf(&b, "• `%s status USER [--pool P]`: the user's status, contacts and groups\n", esc(rd.command))
	fmt.Fprintf(&b, "• `%s history USER [--pool P]`: recent requests for the user\n", esc(rd.command))
	fmt.Fprintf(&b, "• `%s ACTION USER [--pool P] [--ticket T] [--verified-by M] [--signout] [REASON...]`\n", esc(rd.command))
	fmt.Fprintf(&b, "    ACTION is one of %s. USER is a username, email or sub. Quote a value with spaces: `--verified-by \"video call\"`.", joinActions(writeActions()))
	blocks := []slack.Block{section(b.String())}
	if len(may) == 0 {
		blocks = append(blocks, section("*Here you may use*: nothing. The policy lets you ask for no action in this channel; ask the platform team if you need to."))
	} else {
		lines := make([]string, len(may))
		for i, pa := range may {
			lines[i] = fmt.Sprintf("• *%s* (%s): %s", esc(pa.Pool.Name), code(pa.Pool.ID), esc(joinActions(pa.Actions)))
		}
		blocks = append(blocks, section("*Here you may use*:"+joinWithin(lines, listBudget, len(lines))))
	}
	if len(checks) > 0 {
		lines := make([]string, len(checks))
		for i, ic := range checks {
			lines[i] = "• " + code(ic.Name)
			if ic.Description != "" {
				lines[i] += ": " + escClip(ic.Description, refBudget)
			}
		}
		blocks = append(blocks, section("*Identity checks* (for `--verified-by`):"+joinWithin(lines, listBudget, len(lines))))
	}
	if rd.dryRun {
		blocks = append(blocks, contextLine("*"+dryRunMark+"*: the bot only reads Cognito; nothing is changed."))
	}
	return message{Text: "How to use " + esc(rd.command), Blocks: blocks}
}

// parseError renders a command the parser refused, with the usage line.
func (rd renderer) parseError(err error) message {
	msg := err.Error()
	var pe *ParseError
	if errors.As(err, &pe) {
		msg = pe.Msg
	}
	text := "❌ " + esc(msg) + "\nUsage: " + code(UsageLine(rd.command)) + "\nMore: " + code(rd.command+" help")
	return message{Text: "❌ " + esc(msg), Blocks: []slack.Block{section(text)}}
}

// validationFieldNames name a ValidationError's fields in the words of the command.
var validationFieldNames = map[string]string{
	"pool":        "--pool",
	"target":      "USER",
	"action":      "ACTION",
	"ticket":      "--ticket",
	"reason":      "REASON",
	"verified_by": "--verified-by",
}

// failure renders an error from the workflow for the person who asked. Only the domain
// message is shown; anything else stays in the log.
func (rd renderer) failure(err error) message {
	var ve *approval.ValidationError
	if errors.As(err, &ve) && len(ve.Fields) > 0 {
		var b strings.Builder
		b.WriteString("❌ The request is not complete; nothing was created:")
		for _, k := range slices.Sorted(maps.Keys(ve.Fields)) {
			name, ok := validationFieldNames[k]
			if !ok {
				name = k
			}
			fmt.Fprintf(&b, "\n• %s: %s", code(name), esc(ve.Fields[k]))
		}
		return message{Text: "❌ The request is not complete.", Blocks: []slack.Block{section(b.String())}}
	}
	text := "❌ " + esc(approval.ErrorMessage(err))
	return message{Text: text, Blocks: []slack.Block{section(text)}}
}

// alreadyOpen answers a request identical to one still open, with a link to its card.
func (rd renderer) alreadyOpen(r *approval.Request, link cardLink) message {
	text := fmt.Sprintf("❌ You already asked for %s for %s in pool %s, and that request is still %s (%s). Nothing new was created.",
		code(string(r.Action)), userRef(r.Target.Username), code(r.Pool.Name), r.State, link(r.Thread))
	return message{Text: "❌ You already asked for this; that request is still open.", Blocks: []slack.Block{section(text)}}
}

// notAllowed answers a click by someone the workflow refused, to them alone.
func (rd renderer) notAllowed(err error) message {
	text := "🙅 That changed nothing: " + esc(approval.ErrorMessage(err))
	return message{Text: text, Blocks: []slack.Block{section(text)}}
}

// inviteMe explains that the bot cannot post in a channel it is not in.
func (rd renderer) inviteMe(channel string) message {
	where := "this channel"
	if isSlackID(channel) {
		where = "<#" + channel + ">"
	}
	text := fmt.Sprintf("🚪 I am not in %s, so I cannot post the request card there. Add me: type `/invite @` and the bot's name in the channel (or open the channel's details → Integrations → Add apps), then ask again. Nothing was created.", where)
	return message{Text: text, Blocks: []slack.Block{section(text)}}
}

// secret renders a generated password for the requester's eyes only, for the way it is
// shown: a direct message names the channel the request was made in, and says it stays.
func (rd renderer) secret(r *approval.Request, s approval.Secret, way secretWay) message {
	kind := "temporary"
	if s.ValidDays == 0 {
		kind = "permanent"
	}
	where := ""
	if way == viaDirectMessage && isSlackID(r.Channel) {
		where = ", asked for in <#" + r.Channel + ">"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "🔑 The %s password for %s in *%s* (request %s%s), for your eyes only:\n%s",
		kind, userRef(r.Target.Username), esc(r.Pool.Name), code(r.ID), where, code(s.Password.Reveal()))
	if s.ValidDays > 0 {
		fmt.Fprintf(&b, "\nIt is valid for %s; the user must choose a new one at first sign-in.", plural(s.ValidDays, "day", "days"))
	}
	if s.Advice != "" {
		b.WriteString("\n*Tell the user*: " + esc(s.Advice))
	}
	b.WriteString("\n" + secretClosings[way])
	if way == viaDirectMessage && s.ValidDays == 0 && rd.permanentDMTTL > 0 {
		fmt.Fprintf(&b, " A permanent password does not expire, so the bot deletes this message in %s: copy it before then.",
			humanTTL(rd.permanentDMTTL))
	}
	return message{Text: "🔑 The " + kind + " password you asked for (request " + r.ID + ")", Blocks: []slack.Block{section(b.String())}}
}

// humanTTL says a duration such as 15m0s as "15 minutes".
func humanTTL(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour", "hours")
	case d >= time.Minute && d%time.Minute == 0:
		return plural(int(d/time.Minute), "minute", "minutes")
	}
	return d.String()
}

// secretClosings end the secret message: where to pass the password on, and how long the
// message stays, by the way it is shown.
var secretClosings = map[secretWay]string{
	viaEphemeral: "Give it over a channel you trust (not this one), and do not paste it anywhere. " +
		"This message disappears when you reload Slack.",
	viaDirectMessage: "Give it over a channel you trust (not Slack), and do not paste it anywhere. " +
		"Unlike a message only you see in a channel, this one stays in this conversation.",
}

// status renders a status lookup.
func (rd renderer) status(rep approval.StatusReport) message {
	t := rep.Target
	head := fmt.Sprintf("🔎 %s in *%s*", userRef(t.Username), esc(rep.Pool.Name))
	if t.Ref != "" && t.Ref != t.Username {
		head += " (asked for as " + escClip(approval.MaskRef(t.Ref), refBudget) + ")"
	}
	fields := []*slack.TextBlockObject{
		field("*Cognito status*\n" + statusLine(t.Status, rep.Enabled)),
		field("*sub*\n" + codeWithin(t.Sub, refBudget)),
		field("*Email*\n" + contactLine(t.EmailMasked, t.EmailVerified)),
		field("*Phone*\n" + contactLine(t.PhoneMasked, t.PhoneVerified)),
		field("*Groups*\n" + groupsLine(t.Groups)),
		field("*Requests in the last 30 days*\n" + fmt.Sprint(rep.Recent)),
	}
	if !rep.Created.IsZero() {
		fields = append(fields, field("*Created*\n"+slackDate(rep.Created)))
	}
	if !rep.Modified.IsZero() {
		fields = append(fields, field("*Last modified*\n"+slackDate(rep.Modified)))
	}
	blocks := []slack.Block{section(head), slack.NewSectionBlock(nil, fields, nil)}
	if rd.dryRun {
		blocks = append(blocks, contextLine("*"+dryRunMark+"*: the bot only reads Cognito."))
	}
	return message{Text: fmt.Sprintf("Status of %s in %s", userRef(t.Username), esc(rep.Pool.Name)), Blocks: blocks}
}

// maxHistoryLines bounds a history answer, which also stops at what a section holds.
const maxHistoryLines = 10

// history renders the newest requests for a user.
func (rd renderer) history(target string, rs []*approval.Request) message {
	head := "🗂 Recent requests for " + codeWithin(target, refBudget)
	if len(rs) == 0 {
		text := head + ": none."
		return message{Text: text, Blocks: []slack.Block{section(text)}}
	}
	lines := make([]string, 0, maxHistoryLines)
	for _, r := range rs[:min(len(rs), maxHistoryLines)] {
		line := fmt.Sprintf("• %s %s · %s in *%s* · %s by %s", slackDate(r.CreatedAt), code(r.ID), esc(string(r.Action)),
			esc(r.Pool.Name), styleOf(r.State).label, mentionUser(r.Requester))
		if r.Ticket != "" {
			line += " · ticket " + escClip(r.Ticket, refBudget)
		}
		if r.DryRun {
			line += " · " + dryRunMark
		}
		lines = append(lines, line)
	}
	text := head + ", newest first:" + joinWithin(lines, listBudget, len(rs))
	return message{Text: "Recent requests for " + codeWithin(target, refBudget), Blocks: []slack.Block{section(text)}}
}
