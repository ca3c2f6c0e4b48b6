package bot

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/policy"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		name string
		text string
		want Command
	}{
		{"bare opens the modal", "", Command{Kind: KindModal}},
		{"blank opens the modal", "   \u00a0 ", Command{Kind: KindModal}},
		{"help", "help", Command{Kind: KindHelp}},
		{"help any case", "HELP", Command{Kind: KindHelp}},
		{"pending", "pending", Command{Kind: KindPending}},
		{"pending any case", " Pending ", Command{Kind: KindPending}},
		{"status", "status alice@example.com", Command{Kind: KindAction, Action: policy.ActionStatus, Target: "alice@example.com"}},
		{"status with pool", "status alice --pool prod", Command{Kind: KindAction, Action: policy.ActionStatus, Target: "alice", Pool: "prod"}},
		{"history pool first", "history --pool=prod alice", Command{Kind: KindAction, Action: policy.ActionHistory, Target: "alice", Pool: "prod"}},
		{
			"reset as in the design", "reset alice@example.com --pool prod --ticket SUP-123 locked out",
			Command{Kind: KindAction, Action: policy.ActionReset, Target: "alice@example.com", Pool: "prod", Ticket: "SUP-123", Reason: "locked out"},
		},
		{
			"every option", "temp-password alice --pool=prod --ticket SUP-1 --verified-by video-call --signout lost phone",
			Command{Kind: KindAction, Action: policy.ActionTempPassword, Target: "alice", Pool: "prod", Ticket: "SUP-1", VerifiedBy: "video-call", SignOut: true, Reason: "lost phone"},
		},
		{
			"options after the reason", "reset alice locked out --ticket SUP-9",
			Command{Kind: KindAction, Action: policy.ActionReset, Target: "alice", Ticket: "SUP-9", Reason: "locked out"},
		},
		{
			"quoted reason", `reset alice "locked  out --pool x"`,
			Command{Kind: KindAction, Action: policy.ActionReset, Target: "alice", Reason: "locked  out --pool x"},
		},
		{
			"typographic quotes", "reset alice --verified-by “video call” “can’t sign in”",
			Command{Kind: KindAction, Action: policy.ActionReset, Target: "alice", VerifiedBy: "video call", Reason: "can’t sign in"},
		},
		{
			"apostrophe is text", "reset alice can't sign in",
			Command{Kind: KindAction, Action: policy.ActionReset, Target: "alice", Reason: "can't sign in"},
		},
		{
			"double dash ends options", "reset alice -- --signout is not an option here",
			Command{Kind: KindAction, Action: policy.ActionReset, Target: "alice", Reason: "--signout is not an option here"},
		},
		{
			"quoted option name is text", `reset alice "--ticket"`,
			Command{Kind: KindAction, Action: policy.ActionReset, Target: "alice", Reason: "--ticket"},
		},
		{
			"slack email link", "reset <mailto:alice@example.com|alice@example.com> --pool prod",
			Command{Kind: KindAction, Action: policy.ActionReset, Target: "alice@example.com", Pool: "prod"},
		},
		{
			"slack entities decoded", "reset alice a &lt;b&gt; &amp; c",
			Command{Kind: KindAction, Action: policy.ActionReset, Target: "alice", Reason: "a <b> & c"},
		},
		{
			"slack phone link with spaces in its label", "reset <tel:+14155550123|+1 415 555 0123> locked out",
			Command{Kind: KindAction, Action: policy.ActionReset, Target: "+14155550123", Reason: "locked out"},
		},
		{
			"slack web links", "reset alice --ticket <https://jira.example/browse/SUP-1?a=1&amp;b=2|SUP-1> see <http://wiki.example/x>",
			Command{Kind: KindAction, Action: policy.ActionReset, Target: "alice", Ticket: "https://jira.example/browse/SUP-1?a=1&b=2", Reason: "see http://wiki.example/x"},
		},
		{
			"typed link syntax stays text", "reset alice &lt;mailto:x@y.z|x@y.z&gt; &lt;@U0BOSS&gt;",
			Command{Kind: KindAction, Action: policy.ActionReset, Target: "alice", Reason: "<mailto:x@y.z|x@y.z> <@U0BOSS>"},
		},
		{
			"as long as typed, not as escaped", "reset alice " + strings.Repeat("&amp;", MaxCommandLen-len("reset alice ")),
			Command{Kind: KindAction, Action: policy.ActionReset, Target: "alice", Reason: strings.Repeat("&", MaxCommandLen-len("reset alice "))},
		},
		{"permanent-password", "permanent-password bob", Command{Kind: KindAction, Action: policy.ActionPermanentPassword, Target: "bob"}},
		{"signout", "signout bob --ticket T-1", Command{Kind: KindAction, Action: policy.ActionSignOut, Target: "bob", Ticket: "T-1"}},
		{"verify-email", "verify-email bob", Command{Kind: KindAction, Action: policy.ActionVerifyEmail, Target: "bob"}},
		{"verify-phone", "Verify-Phone bob", Command{Kind: KindAction, Action: policy.ActionVerifyPhone, Target: "bob"}},
		{"option name any case", "reset bob --POOL prod", Command{Kind: KindAction, Action: policy.ActionReset, Target: "bob", Pool: "prod"}},
		{"quoted option value", `reset bob --ticket "SUP 1"`, Command{Kind: KindAction, Action: policy.ActionReset, Target: "bob", Ticket: "SUP 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCommand(tt.text)
			if err != nil {
				t.Fatalf("ParseCommand(%q): %v", tt.text, err)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("ParseCommand(%q) (-got +want):\n%s", tt.text, diff)
			}
		})
	}
}

func TestParseCommandErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{"unknown action", "frobnicate alice", `unknown action "frobnicate"; the actions are help, pending, status, history, reset, temp-password, permanent-password, verify-email, verify-phone, signout`},
		{"quoted action", `"reset" alice`, `unknown action "reset"; the actions are help, pending, status, history, reset, temp-password, permanent-password, verify-email, verify-phone, signout`},
		{"help with words", "help me", "help takes nothing after it"},
		{"pending with words", "pending alice", "pending takes nothing after it"},
		{"missing user", "reset", "reset needs a user: a username, email or sub"},
		{"missing user with options", "reset --pool prod", "reset needs a user: a username, email or sub"},
		{"empty quoted user", `reset ""`, "reset needs a user: a username, email or sub"},
		{"unknown option", "reset alice --force", "unknown option --force; the options are --pool, --ticket, --verified-by and --signout"},
		{"missing value at end", "reset alice --pool", "--pool needs a value"},
		{"missing value before option", "reset alice --ticket --signout", "--ticket needs a value"},
		{"empty value", "reset alice --pool=", "--pool needs a value"},
		{"empty quoted value", `reset alice --pool ""`, "--pool needs a value"},
		{"option twice", "reset alice --pool a --pool b", "--pool is given twice"},
		{"flag with value", "reset alice --signout=yes", "--signout takes no value"},
		{"ticket on status", "status alice --ticket T", "--ticket does not apply to status"},
		{"signout on history", "history alice --signout", "--signout does not apply to history"},
		{"signout on signout", "signout alice --signout", "--signout does not apply to signout, which signs the user out already"},
		{"reason on status", "status alice why not", `status takes one user and no reason; found "why not" after the user`},
		{"unclosed quote", `reset alice "locked out`, "a quote opened at character 13 is never closed"},
		{"text after quote", `reset alice "locked"out`, "a closing quote at character 20 must be followed by a space"},
		{"newline", "reset alice\nlocked", "the command holds a control character (U+000A at character 12); type it on one line, as plain text"},
		{"tab", "reset\talice", "the command holds a control character (U+0009 at character 6); type it on one line, as plain text"},
		{"nul", "reset alice\x00", "the command holds a control character (U+0000 at character 12); type it on one line, as plain text"},
		{"bidi override", "reset alice \u202egnp.exe", "the command holds a control character (U+202E at character 13); type it on one line, as plain text"},
		{"invalid utf-8", "reset \xff", "the command is not valid UTF-8 text"},
		{"too long", "reset alice " + strings.Repeat("x", MaxCommandLen), "the command is too long (1012 characters; at most 1000)"},
		{"too long once unescaped", "reset alice " + strings.Repeat("&lt;", MaxCommandLen), "the command is too long (1012 characters; at most 1000)"},
		{"user too long", "reset " + strings.Repeat("u", MaxTargetLen+1), "the user is too long (257 characters; at most 256)"},
		{"value too long", "reset u --ticket " + strings.Repeat("t", MaxValueLen+1), "--ticket is too long (101 characters; at most 100)"},
		{"long unknown action clipped", strings.Repeat("a", 60), `unknown action "` + strings.Repeat("a", 40) + `…"; the actions are help, pending, status, history, reset, temp-password, permanent-password, verify-email, verify-phone, signout`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCommand(tt.text)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseCommand(%q) = %+v, %v; want a *ParseError", tt.text, got, err)
			}
			if diff := cmp.Diff(pe.Msg, tt.want); diff != "" {
				t.Errorf("ParseCommand(%q) error (-got +want):\n%s", tt.text, diff)
			}
			if diff := cmp.Diff(got, Command{}); diff != "" {
				t.Errorf("ParseCommand(%q) returned a partial command (-got +want):\n%s", tt.text, diff)
			}
		})
	}
}

func TestUsageLineUsesTheConfiguredName(t *testing.T) {
	got := UsageLine("/pw")
	want := "/pw [help | pending | status USER [--pool P] | history USER [--pool P] | ACTION USER [--pool P] [--ticket T] [--verified-by M] [--signout] [REASON...]]"
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("UsageLine (-got +want):\n%s", diff)
	}
}

func TestCommandSubmission(t *testing.T) {
	c := Command{Kind: KindAction, Action: policy.ActionReset, Target: "alice", Pool: "prod", Ticket: "T-1", VerifiedBy: "call", SignOut: true, Reason: "r"}
	got := c.Submission("T1", "E1", "C1", "U1", []string{"S1", "@support"})
	if got.Team != "T1" || got.Enterprise != "E1" || got.Channel != "C1" || got.Requester != "U1" ||
		got.Pool != "prod" || got.Target != "alice" || got.Action != policy.ActionReset || !got.SignOut ||
		got.Reason != "r" || got.Ticket != "T-1" || got.VerifiedBy != "call" || len(got.Groups) != 2 {
		t.Errorf("Submission = %+v", got)
	}
}

// format writes a command back as text the parser reads, quoting every value.
func format(c Command) string {
	switch c.Kind {
	case KindModal:
		return ""
	case KindHelp:
		return "help"
	case KindPending:
		return "pending"
	case KindAction:
	}
	q := func(s string) string { return `"` + s + `"` }
	parts := []string{string(c.Action), q(c.Target)}
	if c.Pool != "" {
		parts = append(parts, "--pool", q(c.Pool))
	}
	if c.Ticket != "" {
		parts = append(parts, "--ticket", q(c.Ticket))
	}
	if c.VerifiedBy != "" {
		parts = append(parts, "--verified-by", q(c.VerifiedBy))
	}
	if c.SignOut {
		parts = append(parts, "--signout")
	}
	if c.Reason != "" {
		parts = append(parts, "--", q(c.Reason))
	}
	return strings.Join(parts, " ")
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{
		"", "help", "status alice --pool prod", "reset alice@example.com --pool prod --ticket SUP-123 locked out",
		`temp-password bob --verified-by "video call" --signout "lost phone"`, "reset <mailto:a@b.c|a@b.c> &lt;x&gt;",
		"signout x -- --y", "reset “a b”", `reset a "b`, "verify-email a\tb", "reset \u202e",
		"reset <tel:+14155550123|+1 415 555 0123> --ticket <https://j.example/x?a=1&amp;b=2|x>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := ParseCommand(text)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Msg == "" {
				t.Fatalf("ParseCommand(%q) error %v is not a *ParseError with a message", text, err)
			}
			return
		}
		if c.Kind != KindAction {
			return
		}
		if _, ok := policy.ParseAction(string(c.Action)); !ok {
			t.Fatalf("ParseCommand(%q) action %q is unknown", text, c.Action)
		}
		if strings.TrimSpace(c.Target) == "" || utf8.RuneCountInString(c.Target) > MaxTargetLen {
			t.Fatalf("ParseCommand(%q) target %q", text, c.Target)
		}
		for _, v := range []string{c.Target, c.Pool, c.Ticket, c.VerifiedBy, c.Reason} {
			for _, r := range v {
				if unicode.IsControl(r) || isBidiControl(r) {
					t.Fatalf("ParseCommand(%q) let a control character through in %q", text, v)
				}
			}
		}
		if c.Action.ReadOnly() && (c.Ticket != "" || c.VerifiedBy != "" || c.SignOut || c.Reason != "") {
			t.Fatalf("ParseCommand(%q) = %+v: a read-only action carries write options", text, c)
		}
		// What was parsed, written back, parses to the same command, unless a value holds a
		// quote or an entity the writer does not escape.
		if strings.ContainsAny(c.Target+c.Pool+c.Ticket+c.VerifiedBy+c.Reason, "\"“”„&<>") {
			return
		}
		again, err := ParseCommand(format(c))
		if err != nil {
			if errors.As(err, new(*ParseError)) && utf8.RuneCountInString(format(c)) > MaxCommandLen {
				return
			}
			t.Fatalf("ParseCommand(format(%+v)) = %v", c, err)
		}
		if diff := cmp.Diff(again, c); diff != "" {
			t.Fatalf("round trip of %q (-got +want):\n%s", text, diff)
		}
	})
}
