package bot

import (
	"context"
	"fmt"
	"html"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
	sec "github.com/resetbot/resetbot/internal/secret"
	"github.com/resetbot/resetbot/internal/slacktest"
	"github.com/resetbot/resetbot/policy"
)

// The longest of everything people type and Cognito holds, made of the characters that grow
// most when escaped.
var (
	longReason   = strings.Repeat("<&>", MaxCommandLen/3) // a typed reason as long as a command takes
	longTicket   = strings.Repeat("&", MaxValueLen)
	longRef      = strings.Repeat("&", MaxTargetLen)
	longUsername = strings.Repeat("&", 128) // Cognito's longest username
)

// manyGroups are 100 Cognito groups (Cognito's limit per user) with 128-character names.
func manyGroups() []string {
	gs := make([]string, 100)
	for i := range gs {
		gs[i] = fmt.Sprintf("%03d-%s", i, strings.Repeat("g&", 62))
	}
	return gs
}

// bloatedRequest is a request with every field people type or Cognito returns at its longest.
func bloatedRequest() *approval.Request {
	r := fixtureRequest()
	r.Reason, r.Ticket, r.VerifiedBy = longReason, longTicket, strings.Repeat(">", MaxValueLen)
	r.Target.Ref, r.Target.Username, r.Target.Groups = longRef, longUsername, manyGroups()
	r.Target.Status = strings.Repeat("<", 64)
	r.DenyReason = strings.Repeat("&", maxReasonLen)
	r.Outcome = strings.Repeat("<>", 1000)
	r.Pool.Name = strings.Repeat("p", 32)
	r.ApprovalsNeeded = 2
	for i := range 60 {
		r.Approvers = append(r.Approvers, fmt.Sprintf("U%09d", i))
	}
	return r
}

// fakeSlackPoster posts messages to a fake Slack that refuses what Slack refuses.
type fakeSlackPoster struct {
	srv *slacktest.Server
	api *slack.Client
}

const fitChannel = "C0FIT"

func newFakeSlackPoster(t *testing.T) fakeSlackPoster {
	t.Helper()
	srv, err := slacktest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	srv.AddUser(slacktest.User{ID: "U0ALICE", Name: "alice"})
	srv.AddChannel(fitChannel, "fit", "U0ALICE", srv.BotUserID())
	return fakeSlackPoster{srv: srv, api: slack.New(srv.BotToken(), slack.OptionAPIURL(srv.APIURL()))}
}

// post posts m as the bot does and returns the stored message.
func (p fakeSlackPoster) post(t *testing.T, name string, m message) slacktest.Message {
	t.Helper()
	_, ts, err := p.api.PostMessageContext(t.Context(), fitChannel, msgOptions(m)...)
	if err != nil {
		t.Fatalf("Slack refuses %s: %v", name, err)
	}
	stored, _ := p.srv.Message(fitChannel, ts)
	return stored
}

// TestRenderingsFitSlack posts every card, reply and answer, rendered from the longest input
// people can type and Cognito can return, to the fake Slack, which refuses a message over
// any of Slack's limits; nothing may be refused, and nothing typed may be lost on a card.
func TestRenderingsFitSlack(t *testing.T) {
	p := newFakeSlackPoster(t)
	rd := testRenderer()
	r := bloatedRequest()

	for s := range stateStyles {
		r := *r
		r.State = s
		stored := p.post(t, "the card when "+string(s), rd.card(&r))
		if got := reasonOnCard(t, stored); got != longReason { // it has no white space to break at
			t.Errorf("the %s card shows the reason as %d characters, want all %d", s, len(got), len(longReason))
		}
	}
	for k := range noticeStyles {
		n := approval.Notice{Kind: k, Actor: "U0BOB", Text: strings.Repeat("&", 2*maxReasonLen), FollowUp: policy.ActionVerifyEmail}
		p.post(t, "the "+string(k)+" reply", rd.notice(r, n))
	}

	var history []*approval.Request
	for i := range 25 {
		h := *r
		h.ID, h.CreatedAt = fmt.Sprintf("r-%04d", i), fixedTime.Add(-time.Duration(i)*time.Hour)
		history = append(history, &h)
	}
	var may []PoolActions
	var checks []policy.IdentityCheck
	for i := range 150 {
		may = append(may, PoolActions{Pool: policy.Pool{Name: fmt.Sprintf("pool-%03d", i), ID: fmt.Sprintf("eu-west-1_Pool%03d", i)}, Actions: policy.Actions})
		checks = append(checks, policy.IdentityCheck{Name: fmt.Sprintf("check-%03d", i), Description: strings.Repeat("<d>", 200)})
	}
	fields := map[string]string{}
	for _, f := range []string{"pool", "target", "action", "ticket", "reason", "verified_by"} {
		fields[f] = strings.Repeat("&", 500)
	}
	const password = "&<>&<>&<>" + "Aa1-" // a password made of what escaping grows most
	long := strings.Repeat(password, 256/len(password))
	secret := approval.Secret{Password: sec.New(long), ValidDays: 7, Advice: strings.Repeat("&", 1000)}
	for name, m := range map[string]message{
		"history":          rd.history(longRef, history),
		"status":           rd.status(approval.StatusReport{Pool: r.Pool, Target: r.Target, Enabled: true, Created: fixedTime, Modified: fixedTime}),
		"help":             rd.help(may, checks),
		"a refusal":        rd.failure(&approval.ValidationError{Fields: fields}),
		"a domain error":   rd.failure(approval.Errorf(approval.EINVALID, "%s", strings.Repeat("<", 3000))),
		"a click refused":  rd.notAllowed(approval.Errorf(approval.EFORBIDDEN, "%s", strings.Repeat("&", 3000))),
		"a parse error":    rd.parseError(&ParseError{Msg: strings.Repeat(">", 1000)}),
		"the invite":       rd.inviteMe(fitChannel),
		"the secret":       rd.secret(r, secret, viaEphemeral),
		"the secret by DM": rd.secret(r, secret, viaDirectMessage),
		"an empty history": rd.history(longRef, nil),
	} {
		stored := p.post(t, name, m)
		if strings.HasPrefix(name, "the secret") && !strings.Contains(html.UnescapeString(stored.Content()), long) {
			t.Errorf("%s does not hold the whole password:\n%s", name, stored.Content())
		}
	}
}

// reasonOnCard reads the reason back from a stored card's sections, as a person reads it.
func reasonOnCard(t *testing.T, m slacktest.Message) string {
	t.Helper()
	blocks, err := m.SlackBlocks()
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	in := false
	for _, b := range blocks.BlockSet {
		s, ok := b.(*slack.SectionBlock)
		if !ok || s.Text == nil {
			if in {
				break
			}
			continue
		}
		text, found := strings.CutPrefix(s.Text.Text, "*Reason*\n")
		switch {
		case found:
			in = true
		case !in:
			continue
		case strings.HasPrefix(text, "*"):
			in = false
		}
		if !in {
			break
		}
		parts = append(parts, text)
	}
	return html.UnescapeString(strings.Join(parts, ""))
}

func TestClipMrkdwn(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"abcdefghij", 10, "abcdefghij"},
		{"abcdefghijk", 10, "abcdefghi…"},
		{"abcdef&amp;gh", 10, "abcdef…"},
		{"ab <@U0BOB> and more", 10, "ab…"},
		{"ab <@U0> cd efgh", 10, "ab <@U0>…"},
		{"ab &lt; cdefgh", 10, "ab &lt; c…"},
	}
	for _, tt := range tests {
		got := clipMrkdwn(tt.in, tt.n)
		if got != tt.want {
			t.Errorf("clipMrkdwn(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
		if n := utf8.RuneCountInString(got); n > tt.n {
			t.Errorf("clipMrkdwn(%q, %d) is %d characters long", tt.in, tt.n, n)
		}
	}
}

func TestEscChunks(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want []string
	}{
		{"", 10, nil},
		{"a <b>", 11, []string{"a &lt;b&gt;"}},
		{"a <b>", 10, []string{"a &lt;b", "&gt;"}},
		{"one two three four", 10, []string{"one two", "three four"}},
		{"&&&", 10, []string{"&amp;&amp;", "&amp;"}},
		{"abcdefghijklmn", 5, []string{"abcde", "fghij", "klmn"}},
	}
	for _, tt := range tests {
		got := escChunks(tt.in, tt.n)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("escChunks(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func FuzzFitting(f *testing.F) {
	f.Add("a <@U0> &amp; b", 10)
	f.Add(strings.Repeat("<&>", 50), 7)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 2 || n > 4000 || !utf8.ValidString(s) {
			return
		}
		if got := clipMrkdwn(s, n); utf8.RuneCountInString(got) > n {
			t.Errorf("clipMrkdwn(%q, %d) = %q, longer than %d", s, n, got, n)
		}
		if got := escClip(s, n); utf8.RuneCountInString(got) > n {
			t.Errorf("escClip(%q, %d) = %q, longer than %d", s, n, got, n)
		}
		if n < len("&amp;") {
			return
		}
		var whole strings.Builder
		for _, c := range escChunks(s, n) {
			if utf8.RuneCountInString(c) > n {
				t.Errorf("escChunks(%q, %d) holds %q, longer than %d", s, n, c, n)
			}
			whole.WriteString(html.UnescapeString(c))
		}
		if strip := func(s string) string { return strings.Join(strings.Fields(s), "") }; strip(whole.String()) != strip(s) {
			t.Errorf("escChunks(%q, %d) lost text: %q", s, n, whole.String())
		}
	})
}

// widePolicy offers many pools and identity checks.
type widePolicy struct{ n int }

func (w widePolicy) Permitted(policy.Facts) map[string][]policy.Action {
	out := map[string][]policy.Action{}
	for _, p := range w.Pools() {
		out[p.Name] = policy.Actions
	}
	return out
}

func (w widePolicy) Pools() []policy.Pool {
	var ps []policy.Pool
	for i := range w.n {
		ps = append(ps, policy.Pool{Name: fmt.Sprintf("pool-%03d", i), ID: fmt.Sprintf("eu-west-1_Pool%03d", i), Region: "eu-west-1"})
	}
	return ps
}

func (w widePolicy) IdentityChecks() []policy.IdentityCheck {
	var cs []policy.IdentityCheck
	for i := range w.n {
		cs = append(cs, policy.IdentityCheck{Name: fmt.Sprintf("check-%03d", i), Description: strings.Repeat("d", 200)})
	}
	return cs
}

// TestRequestModalOpensWithManyPools opens the request modal through Slack for a person who
// may use more pools and identity checks than a menu holds.
func TestRequestModalOpensWithManyPools(t *testing.T) {
	for _, n := range []int{3, maxOptions, maxOptions + 50} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			fs, err := slacktest.Start()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(fs.Close)
			fs.AddUser(slacktest.User{ID: "U0ALICE", Name: "alice"})
			fs.AddChannel(fitChannel, "fit", "U0ALICE", fs.BotUserID())
			log := slog.New(slog.DiscardHandler)
			client := slack.New(fs.BotToken(), slack.OptionAPIURL(fs.APIURL()), slack.OptionAppLevelToken(fs.AppToken()))
			notifier, err := NewNotifier(NotifierConfig{Client: client, Logger: log})
			if err != nil {
				t.Fatal(err)
			}
			b, err := New(Config{Notifier: notifier, Workflow: &approval.Service{}, Policy: widePolicy{n: n}, Logger: log, Claims: newMemClaims()})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- b.Run(runCtx) }()
			defer func() {
				stop()
				if err := <-done; err != nil {
					t.Errorf("Run: %v", err)
				}
			}()
			if _, err := fs.SlashCommand(ctx, "U0ALICE", fitChannel, DefaultCommandName, ""); err != nil {
				t.Fatal(err)
			}
			err = fs.WaitUntil(ctx, func() bool { return len(fs.Views("U0ALICE")) > 0 || len(fs.Ephemerals("U0ALICE")) > 0 })
			if err != nil || len(fs.Views("U0ALICE")) == 0 {
				t.Fatalf("no modal opened: %v (answers: %+v)", err, fs.Ephemerals("U0ALICE"))
			}
			blocks, err := fs.Views("U0ALICE")[0].SlackBlocks()
			if err != nil {
				t.Fatal(err)
			}
			want := slack.MessageElementType(slack.OptTypeStatic)
			if n > maxOptions {
				want = slack.METPlainTextInput
			}
			for _, blk := range blocks.BlockSet {
				if in, ok := blk.(*slack.InputBlock); ok && (in.BlockID == fieldPool || in.BlockID == fieldVerifiedBy) {
					if got := in.Element.ElementType(); got != want {
						t.Errorf("the %s input is a %s, want a %s", in.BlockID, got, want)
					}
				}
			}
		})
	}
}

func TestReasonSectionsAreBounded(t *testing.T) {
	long := strings.Repeat("&", 100*maxSectionText)
	blocks := reasonSections(long)
	if len(blocks) != maxReasonSections {
		t.Fatalf("a huge reason takes %d sections, want %d", len(blocks), maxReasonSections)
	}
	last := blocks[len(blocks)-1].(*slack.SectionBlock).Text.Text
	if !strings.HasSuffix(last, "…") || utf8.RuneCountInString(last) > maxSectionText {
		t.Errorf("the last section (%d characters) does not say the reason goes on", utf8.RuneCountInString(last))
	}
	if got := reasonSections(""); len(got) != 0 {
		t.Errorf("no reason takes %d sections", len(got))
	}
}
