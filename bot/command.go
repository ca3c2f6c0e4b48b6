package bot

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// DefaultCommandName is the slash command the bot answers when Config.CommandName is empty.
const DefaultCommandName = "/cognito"

// Limits on what the command parser accepts.
const (
	// MaxCommandLen is the longest command text accepted, in characters.
	MaxCommandLen = 1000
	// MaxTargetLen is the longest USER accepted (Cognito usernames and emails are shorter).
	MaxTargetLen = 256
	// MaxValueLen is the longest option value accepted (--pool, --ticket, --verified-by).
	MaxValueLen = 100
)

// CommandKind says what a parsed command asks for.
type CommandKind int

// The kinds of command.
const (
	// KindModal is the bare command: open the request modal.
	KindModal CommandKind = iota
	// KindHelp asks for the usage and what this person may do.
	KindHelp
	// KindAction asks for one of the policy's actions on a user.
	KindAction
	// KindPending asks for what waits for this person's approval, and their open requests.
	KindPending
)

// Command is a parsed slash command.
type Command struct {
	Kind       CommandKind
	Action     policy.Action // KindAction only
	Target     string        // USER: a username, email or sub
	Pool       string
	Ticket     string
	VerifiedBy string
	SignOut    bool
	Reason     string
}

// ParseError is a command the parser refused; Msg says why in plain words. The reply adds the
// usage line.
type ParseError struct {
	Msg string
}

func (e *ParseError) Error() string { return e.Msg }

func parseErrorf(format string, args ...any) *ParseError {
	return &ParseError{Msg: fmt.Sprintf(format, args...)}
}

// bareVerbs are the words that make a whole command on their own.
var bareVerbs = map[string]CommandKind{"help": KindHelp, "pending": KindPending}

// UsageLine is the one-line grammar of the command named name.
func UsageLine(name string) string {
	return fmt.Sprintf("%s [help | pending | status USER [--pool P] | history USER [--pool P] | ACTION USER [--pool P] [--ticket T] [--verified-by M] [--signout] [REASON...]]", name)
}

// writeActions are the actions that go through approval, in the order shown to people.
func writeActions() []policy.Action {
	var out []policy.Action
	for _, a := range policy.Actions {
		if !a.ReadOnly() {
			out = append(out, a)
		}
	}
	return out
}

// option is one --flag the command knows.
type option struct {
	takesValue bool
	set        func(c *Command, v string)
	// allowed reports whether the option applies to the action; when not, why not.
	allowed func(a policy.Action) (bool, string)
}

func anyAction(policy.Action) (bool, string) { return true, "" }

func writeOnly(name string) func(policy.Action) (bool, string) {
	return func(a policy.Action) (bool, string) {
		if a.ReadOnly() {
			return false, fmt.Sprintf("--%s does not apply to %s", name, a)
		}
		return true, ""
	}
}

// options is the table of flags.
var options = map[string]option{
	"pool":        {takesValue: true, set: func(c *Command, v string) { c.Pool = v }, allowed: anyAction},
	"ticket":      {takesValue: true, set: func(c *Command, v string) { c.Ticket = v }, allowed: writeOnly("ticket")},
	"verified-by": {takesValue: true, set: func(c *Command, v string) { c.VerifiedBy = v }, allowed: writeOnly("verified-by")},
	"signout": {set: func(c *Command, _ string) { c.SignOut = true }, allowed: func(a policy.Action) (bool, string) {
		if a == policy.ActionSignOut {
			return false, "--signout does not apply to signout, which signs the user out already"
		}
		return writeOnly("signout")(a)
	}},
}

// ParseCommand parses the text after the slash command's name. It never returns a partial
// command: on any problem it returns a *ParseError.
func ParseCommand(text string) (Command, error) {
	if err := checkText(text); err != nil {
		return Command{}, err
	}
	toks, err := tokenize(decodeLinks(text))
	if err != nil {
		return Command{}, err
	}
	if len(toks) == 0 {
		return Command{Kind: KindModal}, nil
	}
	verb := strings.ToLower(toks[0].text)
	rest := toks[1:]
	if kind, ok := bareVerbs[verb]; ok && !toks[0].quoted {
		if len(rest) > 0 {
			return Command{}, parseErrorf("%s takes nothing after it", verb)
		}
		return Command{Kind: kind}, nil
	}
	action, ok := policy.ParseAction(verb)
	if !ok || toks[0].quoted {
		return Command{}, parseErrorf("unknown action %q; the actions are help, pending, %s", clip(toks[0].text), joinActions(policy.Actions))
	}
	return parseAction(action, rest)
}

func parseAction(action policy.Action, toks []token) (Command, error) {
	c := Command{Kind: KindAction, Action: action}
	seen := map[string]bool{}
	var words []string
	onlyWords := false
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if onlyWords || t.quoted || !strings.HasPrefix(t.text, "--") {
			words = append(words, t.text)
			continue
		}
		if t.text == "--" {
			onlyWords = true
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(t.text, "--"), "=")
		name = strings.ToLower(name)
		opt, ok := options[name]
		if !ok {
			return Command{}, parseErrorf("unknown option --%s; the options are --pool, --ticket, --verified-by and --signout", clip(name))
		}
		if ok, why := opt.allowed(action); !ok {
			return Command{}, parseErrorf("%s", why)
		}
		if seen[name] {
			return Command{}, parseErrorf("--%s is given twice", name)
		}
		seen[name] = true
		if !opt.takesValue {
			if hasValue {
				return Command{}, parseErrorf("--%s takes no value", name)
			}
			opt.set(&c, "")
			continue
		}
		if !hasValue {
			if i+1 >= len(toks) || (!toks[i+1].quoted && strings.HasPrefix(toks[i+1].text, "--")) {
				return Command{}, parseErrorf("--%s needs a value", name)
			}
			i++
			value = toks[i].text
		}
		value = strings.TrimSpace(value)
		if value == "" {
			return Command{}, parseErrorf("--%s needs a value", name)
		}
		if n := utf8.RuneCountInString(value); n > MaxValueLen {
			return Command{}, parseErrorf("--%s is too long (%d characters; at most %d)", name, n, MaxValueLen)
		}
		opt.set(&c, value)
	}
	if len(words) == 0 {
		return Command{}, parseErrorf("%s needs a user: a username, email or sub", action)
	}
	c.Target = words[0]
	if n := utf8.RuneCountInString(c.Target); n > MaxTargetLen {
		return Command{}, parseErrorf("the user is too long (%d characters; at most %d)", n, MaxTargetLen)
	}
	if strings.TrimSpace(c.Target) == "" {
		return Command{}, parseErrorf("%s needs a user: a username, email or sub", action)
	}
	if len(words) > 1 {
		if action.ReadOnly() {
			return Command{}, parseErrorf("%s takes one user and no reason; found %q after the user", action, clip(strings.Join(words[1:], " ")))
		}
		c.Reason = strings.TrimSpace(strings.Join(words[1:], " "))
	}
	return c, nil
}

// checkText refuses text too long, not UTF-8, or holding control or bidi-override characters.
// The length is counted as the person typed it, before Slack escaped &, < and >.
func checkText(text string) error {
	if !utf8.ValidString(text) {
		return parseErrorf("the command is not valid UTF-8 text")
	}
	if n := utf8.RuneCountInString(decodeEntities(decodeLinks(text))); n > MaxCommandLen {
		return parseErrorf("the command is too long (%d characters; at most %d)", n, MaxCommandLen)
	}
	for i, r := range []rune(text) {
		if isControlOrBidi(r) {
			return parseErrorf("the command holds a control character (U+%04X at character %d); type it on one line, as plain text", r, i+1)
		}
	}
	return nil
}

// isControlOrBidi reports the characters no typed value may hold.
func isControlOrBidi(r rune) bool { return unicode.IsControl(r) || isBidiControl(r) }

// isBidiControl reports the invisible characters that reorder text and can disguise what it says.
func isBidiControl(r rune) bool {
	switch {
	case r == '\u200e', r == '\u200f', r == '\u061c':
		return true
	case r >= '\u202a' && r <= '\u202e':
		return true
	case r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

type token struct {
	text   string
	quoted bool
}

func isOpenQuote(r rune) bool  { return r == '"' || r == '“' || r == '„' }
func isCloseQuote(r rune) bool { return r == '"' || r == '”' || r == '“' }

// tokenize splits text on white space. A word that starts with a double quote (straight or
// typographic, as Slack clients type them) runs to the next double quote; quotes inside a
// word are ordinary characters. Each word is then decoded from Slack's &amp; &lt; &gt;.
func tokenize(text string) ([]token, error) {
	var toks []token
	rs := []rune(text)
	for i := 0; i < len(rs); {
		if unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		if isOpenQuote(rs[i]) {
			j := i + 1
			for j < len(rs) && !isCloseQuote(rs[j]) {
				j++
			}
			if j == len(rs) {
				return nil, parseErrorf("a quote opened at character %d is never closed", i+1)
			}
			if j+1 < len(rs) && !unicode.IsSpace(rs[j+1]) {
				return nil, parseErrorf("a closing quote at character %d must be followed by a space", j+1)
			}
			toks = append(toks, token{text: decodeEntities(string(rs[i+1 : j])), quoted: true})
			i = j + 1
			continue
		}
		j := i
		for j < len(rs) && !unicode.IsSpace(rs[j]) {
			j++
		}
		toks = append(toks, token{text: decodeEntities(string(rs[i:j]))})
		i = j
	}
	return toks, nil
}

// slackLink is how Slack sends an address, a phone number or a web address it turned into a
// link: <mailto:a@b.c|a@b.c>, <tel:+14155550123|+1 415 555 0123>, <https://x.example/y|label>
// or <https://x.example/y>. A < that people typed arrives as &lt;, so it never starts one.
var slackLink = regexp.MustCompile(`<(mailto:|tel:|https?://)([^|>\s]+)(?:\|[^>]*)?>`)

// decodeLinks turns Slack's links back into what was typed: the address, the number or the
// web address (a label, which may hold spaces, is dropped).
func decodeLinks(s string) string {
	return slackLink.ReplaceAllStringFunc(s, func(link string) string {
		m := slackLink.FindStringSubmatch(link)
		if m[1] == "mailto:" || m[1] == "tel:" {
			return m[2]
		}
		return m[1] + m[2]
	})
}

var slackEntities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// decodeEntities undoes Slack's escaping of what people typed: &amp; &lt; &gt; become the
// characters (rendering escapes them again).
func decodeEntities(s string) string { return slackEntities.Replace(s) }

func joinActions(as []policy.Action) string {
	ss := make([]string, len(as))
	for i, a := range as {
		ss[i] = string(a)
	}
	return strings.Join(ss, ", ")
}

// clip shortens s for an error message.
func clip(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}

// Submission turns an action command into what the workflow takes, for the person who typed it
// in the channel it was typed in.
func (c Command) Submission(team, enterprise, channel, user string, groups []string) approval.Submission {
	return approval.Submission{
		Team:       team,
		Enterprise: enterprise,
		Channel:    channel,
		Requester:  user,
		Groups:     groups,
		Pool:       c.Pool,
		Target:     c.Target,
		Action:     c.Action,
		SignOut:    c.SignOut,
		Reason:     c.Reason,
		Ticket:     c.Ticket,
		VerifiedBy: c.VerifiedBy,
	}
}
