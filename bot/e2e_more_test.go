package bot

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/slacktest"
)

func TestReconnectMidFlowLosesNothing(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")
	card, _ := h.lastCard(chSupport)

	// The network drops the connection; the next click waits for the bot to come back.
	h.slack.DropConnections()
	h.click(uLena, chSupport, card.TS, actionApprove)
	_, r := h.lastCard(chSupport)
	wantState(t, r, approval.StateSucceeded)
	if got := h.slack.ConnectionsOpened(); got < 2 {
		t.Errorf("%d connections opened, want a reconnect", got)
	}
	if h.reconnects.Load() < 1 {
		t.Error("ObserveReconnect was not told")
	}
	if !h.bot.Connected() {
		t.Error("Connected() is false after the bot answered over the new connection")
	}

	// Slack asks the bot to move to a new connection; a request made around it still works.
	h.cmd(uAlice, chSupport, "reset erin --ticket SUP-6 --verified-by callback locked out")
	card, _ = h.lastCard(chSupport)
	h.slack.Disconnect("refresh_requested")
	h.click(uLeo, chSupport, card.TS, actionApprove)
	_, r = h.lastCard(chSupport)
	wantState(t, r, approval.StateSucceeded)
	if got := h.cog.Calls("AdminResetUserPassword"); got != 2 {
		t.Errorf("AdminResetUserPassword called %d times, want 2", got)
	}
}

func TestRefusalsCreateNothing(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name, channel, text string
		want                []string
	}{
		{"unknown action", chSupport, "frobnicate carol", []string{"unknown action", "Usage:", "/cognito help"}},
		{"quote never closed", chSupport, `reset carol "locked out`, []string{"never closed", "Usage:"}},
		{"admin account", chSupport, "reset root --ticket SUP-1 --verified-by callback x", []string{"Admin accounts are reset by the security team"}},
		{"missing ticket", chSupport, "reset carol --verified-by callback locked out", []string{"ticket"}},
		{"no such user", chSupport, "reset nobody-here --ticket SUP-1 --verified-by callback x", []string{"no such user in pool prod"}},
		{"channel outside the policy", chElsewhere, "reset carol --pool prod --ticket SUP-1 --verified-by callback x", []string{"channel"}},
		{"bot not in the channel", chStaging, "reset sid locked out", []string{"/invite", "Nothing was created"}},
		{"status with a reason", chSupport, "status carol why not", []string{"takes one user and no reason"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(h.slack.Ephemerals(uAlice))
			h.cmd(uAlice, tt.channel, tt.text)
			es := h.slack.Ephemerals(uAlice)
			if len(es) != before+1 {
				t.Fatalf("alice was shown %d new ephemerals, want 1", len(es)-before)
			}
			got := es[len(es)-1]
			for _, w := range tt.want {
				if !strings.Contains(got.Content(), w) {
					t.Errorf("the answer does not say %q:\n%s", w, got.Content())
				}
			}
			if got.Channel != tt.channel {
				t.Errorf("answered in %s, want %s", got.Channel, tt.channel)
			}
		})
	}
	for _, ch := range []string{chSupport, chStaging, chElsewhere} {
		if cs := h.cards(ch); len(cs) != 0 {
			t.Errorf("%d cards in %s after refusals", len(cs), ch)
		}
	}
	for _, op := range []string{"AdminResetUserPassword", "AdminSetUserPassword", "AdminUpdateUserAttributes"} {
		if got := h.cog.Calls(op); got != 0 {
			t.Errorf("%s called %d times", op, got)
		}
	}
}

func TestHelpStatusHistory(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "help")
	help := h.ephemeralText(uAlice)
	for _, w := range []string{"*prod*", "*staging*", "reset", "callback", "/cognito status USER"} {
		if !strings.Contains(help, w) {
			t.Errorf("help does not say %q:\n%s", w, help)
		}
	}
	for _, line := range strings.Split(help, "\n") {
		if strings.HasPrefix(line, "• *prod*") && strings.Contains(line, "permanent-password") {
			t.Errorf("help offers alice permanent-password: %s", line)
		}
	}

	h.cmd(uAlice, chSupport, "status carol@example.com")
	es := h.slack.Ephemerals(uAlice)
	status := es[len(es)-1].Content()
	for _, w := range []string{"`carol`", "CONFIRMED", "c***l@example.com (verified)", "customers"} {
		if !strings.Contains(status, w) {
			t.Errorf("status does not say %q:\n%s", w, status)
		}
	}
	if strings.Contains(status, "carol@example.com") {
		t.Errorf("status shows the email unmasked:\n%s", status)
	}

	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")
	h.cmd(uAlice, chSupport, "history carol")
	es = h.slack.Ephemerals(uAlice)
	if history := es[len(es)-1].Content(); !strings.Contains(history, "r-0001") || !strings.Contains(history, "Waiting for approval") {
		t.Errorf("history does not list the pending request:\n%s", history)
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	h := newHarness(t, withDryRun())
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")
	card, _ := h.lastCard(chSupport)
	if !strings.Contains(card.Content(), "[DRY RUN]") {
		t.Errorf("the card is not marked DRY RUN:\n%s", card.Content())
	}
	h.click(uLena, chSupport, card.TS, actionApprove)
	card, r := h.lastCard(chSupport)
	wantState(t, r, approval.StateSucceeded)
	if got := h.cog.Calls("AdminResetUserPassword"); got != 0 {
		t.Errorf("AdminResetUserPassword called %d times in a dry run", got)
	}
	if _, err := h.signIn("carol", carolPassword); err != nil {
		t.Errorf("carol cannot sign in after a dry run: %v", err)
	}
	replies := h.replies(chSupport, card.TS)
	if last := replies[len(replies)-1]; !strings.Contains(last.Text, "DRY RUN") {
		t.Errorf("the result is not marked DRY RUN: %q", last.Text)
	}
}

func TestEnvelopesForAnotherWorkspaceOrAppAreDropped(t *testing.T) {
	h := newHarness(t)
	ctx := h.ctx()
	for _, e := range []struct {
		typ     string
		payload map[string]any
	}{
		{slacktest.TypeSlashCommands, map[string]any{
			"team_id": "T0ELSEWHERE", "api_app_id": h.slack.AppID(), "command": DefaultCommandName, "user_id": uAlice,
			"channel_id": chSupport, "text": "reset carol --ticket SUP-1 --verified-by callback x",
		}},
		{slacktest.TypeInteractive, map[string]any{
			"type": "block_actions", "team": map[string]any{"id": teamID}, "api_app_id": "A0SOMEONEELSE",
			"user":    map[string]any{"id": uLena},
			"actions": []any{map[string]any{"action_id": actionApprove, "block_id": "b", "value": "r-0001"}},
		}},
	} {
		ack, err := h.slack.Deliver(ctx, e.typ, e.payload)
		if err != nil {
			t.Fatalf("%s: %v", e.typ, err)
		}
		if ack.Payload != nil {
			t.Errorf("%s: the ack carried %s, want nothing", e.typ, ack.Payload)
		}
	}
	h.settle()
	if got := strings.Count(h.logs.String(), "dropping an envelope for another workspace or app"); got != 2 {
		t.Errorf("%d drops logged, want 2", got)
	}
	if got := h.acks.count(kindDropped); got != 2 {
		t.Errorf("ObserveAck saw %d dropped envelopes, want 2", got)
	}
	for _, r := range h.slack.Record() {
		if r.Kind != "apps.connections.open" && r.Kind != "ack" {
			t.Errorf("the bot called %s for a dropped envelope", r.Kind)
		}
	}
}

func TestAcksAreObserved(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "")
	h.submit(uAlice, h.openView(uAlice).ID, map[string]string{
		fieldPool: "prod", fieldTarget: "carol", fieldAction: "reset", fieldTicket: "SUP-1",
		fieldReason: "locked out", fieldVerifiedBy: "callback",
	})
	card, _ := h.lastCard(chSupport)
	h.click(uLena, chSupport, card.TS, actionApprove)
	for _, kind := range []string{"slash_commands", "view_submission", "block_actions"} {
		if h.acks.count(kind) != 1 {
			t.Errorf("ObserveAck saw %d %s acks, want 1", h.acks.count(kind), kind)
		}
	}
}

// dynamicParts of stored messages vary from run to run: block ids Slack fills in, AWS request
// ids.
var dynamicParts = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile("AWS request `[^`]+`"), "AWS request `AWS-REQUEST-ID`"},
}

// goldenThread records a card's thread as Slack stored it.
func goldenThread(t *testing.T, name string, msgs []slacktest.Message) {
	t.Helper()
	type stored struct {
		Text   string `json:"text"`
		Blocks any    `json:"blocks"`
	}
	var out []stored
	for _, m := range msgs {
		var blocks []map[string]any
		if err := json.Unmarshal(m.Blocks, &blocks); err != nil {
			t.Fatalf("decode blocks: %v", err)
		}
		for _, b := range blocks {
			delete(b, "block_id")
		}
		text := m.Text
		for _, d := range dynamicParts {
			text = d.re.ReplaceAllString(text, d.with)
		}
		js, _ := json.Marshal(blocks)
		s := string(js)
		for _, d := range dynamicParts {
			s = d.re.ReplaceAllString(s, d.with)
		}
		var normal any
		_ = json.Unmarshal([]byte(s), &normal)
		out = append(out, stored{Text: text, Blocks: normal})
	}
	golden(t, name, out)
}

func TestGoldenThreads(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-123 --verified-by callback locked out after a phone change")
	card, _ := h.lastCard(chSupport)
	goldenThread(t, "e2e_reset_pending", h.slack.Thread(chSupport, card.TS))
	h.click(uLena, chSupport, card.TS, actionApprove)
	goldenThread(t, "e2e_reset_succeeded", h.slack.Thread(chSupport, card.TS))

	h.cmd(uAlice, chSupport, "reset dave --ticket SUP-9 --verified-by callback cannot sign in")
	card, _ = h.lastCard(chSupport)
	h.click(uLena, chSupport, card.TS, actionApprove)
	goldenThread(t, "e2e_reset_failed_follow_up", h.slack.Thread(chSupport, card.TS))

	h.cmd(uAlice, chSupport, "reset gina --ticket SUP-10 --verified-by callback locked out")
	card, _ = h.lastCard(chSupport)
	h.click(uAlice, chSupport, card.TS, actionCancel)
	goldenThread(t, "e2e_reset_cancelled", h.slack.Thread(chSupport, card.TS))
}

func TestCommandNameIsConfigurable(t *testing.T) {
	h := newHarness(t, withCommandName("/pw"))
	h.cmd(uAlice, chSupport, "help")
	if got := h.ephemeralText(uAlice); !strings.Contains(got, "/pw status USER") {
		t.Errorf("help under /pw does not speak of /pw:\n%s", got)
	}
	// A command the bot is not configured for (the Slack app's command renamed) is answered in
	// the ack with what to fix, and does nothing else.
	ack := h.slash(uAlice, chSupport, "/cognito", "reset carol --ticket SUP-5 --verified-by callback locked out")
	if got := ack.Text(); !strings.Contains(got, "This bot answers /pw, not /cognito") || !strings.Contains(got, "RESETBOT_COMMAND") {
		t.Errorf("the ack of /cognito says %q", got)
	}
	if es := h.slack.Ephemerals(uAlice); len(es) != 2 || es[1].Text != ack.Text() {
		t.Errorf("alice was shown %d ephemerals; want the help, then the ack's answer", len(es))
	}
	if len(h.cards(chSupport)) != 0 {
		t.Error("an unknown command made a request")
	}
	if !strings.Contains(h.logs.String(), "answering a slash command the bot is not configured for") {
		t.Error("the unknown command was not logged")
	}
}

func TestUnreadableUserGroupsAreSaid(t *testing.T) {
	h := newHarness(t)
	h.slack.FailNext("usergroups.list", "fatal_error")
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")
	if got := h.ephemeralText(uAlice); !strings.Contains(got, "could not read Slack's user groups") {
		t.Errorf("alice was not told:\n%s", got)
	}
	if len(h.cards(chSupport)) != 0 {
		t.Fatal("a request was made without knowing the requester's groups")
	}
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")
	if len(h.cards(chSupport)) != 1 {
		t.Fatal("the next try did not go through")
	}
}

func TestModalEdges(t *testing.T) {
	h := newHarness(t)

	// Someone the policy lets ask for nothing gets no form, and is told so.
	h.cmd(uGuest, chSupport, "")
	if vs := h.slack.Views(uGuest); len(vs) != 0 {
		t.Errorf("a form was opened for someone who may ask for nothing")
	}
	if got := h.ephemeralText(uGuest); !strings.Contains(got, "Here you may use*: nothing") {
		t.Errorf("the guest was not told:\n%s", got)
	}

	// A trigger that expired before views.open is said, not swallowed.
	h.slack.FailNext("views.open", "expired_trigger_id")
	h.cmd(uAlice, chSupport, "")
	if got := h.ephemeralText(uAlice); !strings.Contains(got, "could not open the form") {
		t.Errorf("alice was not told the form did not open:\n%s", got)
	}

	// A status asked for through the form is answered to the asker alone.
	h.cmd(uAlice, chSupport, "")
	h.submit(uAlice, h.openView(uAlice).ID, map[string]string{fieldPool: "prod", fieldTarget: "carol", fieldAction: "status"})
	if vs := h.slack.Views(uAlice); len(vs) != 0 {
		t.Errorf("the form stayed open after a status")
	}
	if got := h.ephemeralText(uAlice); !strings.Contains(got, "CONFIRMED") {
		t.Errorf("alice got no status:\n%s", got)
	}
	if len(h.cards(chSupport)) != 0 {
		t.Error("a status made a card")
	}
}

func TestLookupsThatFail(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "status nobody-here")
	h.cmd(uAlice, chSupport, "history carol --pool nowhere")
	h.cmd(uGuest, chSupport, "status carol")
	for _, u := range []string{uAlice, uGuest} {
		es := h.slack.Ephemerals(u)
		if len(es) == 0 {
			t.Fatalf("%s was not answered", u)
		}
		for _, e := range es {
			if !strings.HasPrefix(e.Text, "❌") {
				t.Errorf("%s was answered %q, want a refusal", u, e.Text)
			}
		}
	}
}

func TestLateClicksChangeNothing(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")
	card, r := h.lastCard(chSupport)
	h.click(uLena, chSupport, card.TS, actionApprove)

	// Leo's Slack still showed the buttons: his Deny and Approve come in after the run.
	leo := caller{Team: teamID, Channel: chSupport, User: uLeo, To: audience{User: uLeo, Channel: chSupport}}
	if !h.bot.withGroups(h.ctx(), &leo) {
		t.Fatal("no groups for leo")
	}
	h.bot.openDenyModal(h.ctx(), leo, r.ID)
	h.bot.approve(h.ctx(), leo, r.ID)
	h.bot.followUp(h.ctx(), leo, "verify-email:r-9999")
	h.settle()
	if vs := h.slack.Views(uLeo); len(vs) != 0 {
		t.Error("a deny form opened for a request already decided")
	}
	es := h.slack.Ephemerals(uLeo)
	if len(es) != 3 {
		t.Fatalf("leo was shown %d ephemerals, want 3:\n%s", len(es), h.ephemeralText(uLeo))
	}
	for _, e := range es {
		if !strings.HasPrefix(e.Text, "🙅 That changed nothing") {
			t.Errorf("leo was shown %q", e.Text)
		}
	}
	if !strings.Contains(es[0].Text, "has already run") {
		t.Errorf("the late Deny says %q", es[0].Text)
	}
	if calls := h.cog.Calls("AdminResetUserPassword"); calls != 1 {
		t.Errorf("AdminResetUserPassword called %d times, want 1", calls)
	}
}

// A requester removed from the user group the policy names after submitting does not get the
// action run: the workflow asks the policy again with the groups Slack has now.
func TestRequesterWhoLeftTheGroupIsNotServed(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")
	card, _ := h.lastCard(chSupport)
	h.slack.AddUserGroup(groupSupport, "support", uSam, uBoss)
	h.clock.Advance(DefaultGroupCacheTTL + time.Minute)
	h.click(uLeo, chSupport, card.TS, actionApprove)
	_, r := h.lastCard(chSupport)
	wantState(t, r, approval.StateFailed)
	if !strings.Contains(r.Outcome, "Not run: since it was approved") {
		t.Errorf("outcome %q", r.Outcome)
	}
	if calls := h.cog.Calls("AdminResetUserPassword"); calls != 0 {
		t.Errorf("AdminResetUserPassword called %d times, want 0", calls)
	}
}

// An email address typed in a reason or a denial's reason is masked in the channel, like the
// target's own address.
func TestAddressesInFreeTextAreMaskedInTheChannel(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, `reset carol --ticket SUP-5 --verified-by callback "her manager bob.jones@example.org confirmed"`)
	card, _ := h.lastCard(chSupport)
	h.click(uLena, chSupport, card.TS, actionDeny)
	h.submit(uLena, h.openView(uLena).ID, map[string]string{fieldDenyReason: "ask bob.jones@example.org in writing"})
	_, r := h.lastCard(chSupport)
	wantState(t, r, approval.StateDenied)
	var channel strings.Builder
	for _, m := range h.slack.Messages(chSupport) {
		channel.WriteString(m.Content())
		for _, reply := range h.slack.Thread(chSupport, m.TS) {
			channel.WriteString(reply.Content())
		}
	}
	got := channel.String()
	if strings.Contains(got, "bob.jones@example.org") {
		t.Errorf("an address typed in free text reached the channel unmasked:\n%s", got)
	}
	if !strings.Contains(got, "her manager b***s@example.org confirmed") || !strings.Contains(got, "ask b***s@example.org in writing") {
		t.Errorf("the reasons are not shown masked:\n%s", got)
	}
}
