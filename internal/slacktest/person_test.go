package slacktest_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/internal/slacktest"
)

func TestClickBuildsTheBlockActionsPayloadFromTheMessage(t *testing.T) {
	srv := newServer(t)
	c, _ := dialRaw(t, srv)
	ts := postCard(t, srv, support)
	got := background(t, func() (slacktest.Ack, error) {
		return srv.Click(testCtx(t), bob, support, ts, "deny")
	})
	env := c.next(t)
	c.ack(t, env.EnvelopeID, nil)
	r := wait(t, got)
	must(t, r.err, "Click")
	if env.Type != slacktest.TypeInteractive || env.AcceptsResponsePayload {
		t.Errorf("envelope = %+v", env)
	}
	var cb slack.InteractionCallback
	must(t, json.Unmarshal(env.Payload, &cb), "decoding the payload as slack-go does")
	if cb.Type != slack.InteractionTypeBlockActions || cb.User.ID != bob || cb.User.Name != "bob" || cb.Team.ID != srv.TeamID() ||
		cb.Channel.ID != support || cb.Container.MessageTs != ts || cb.Container.ChannelID != support ||
		cb.Message.Timestamp != ts || cb.Message.Text != "Reset requested" || cb.TriggerID == "" || cb.ResponseURL == "" ||
		cb.APIAppID != srv.AppID() {
		t.Errorf("payload = %+v", cb)
	}
	if len(cb.Message.Blocks.BlockSet) != 2 {
		t.Errorf("message blocks = %d, want the card's 2", len(cb.Message.Blocks.BlockSet))
	}
	acts := cb.ActionCallback.BlockActions
	if len(acts) != 1 {
		t.Fatalf("actions = %+v", acts)
	}
	want := slack.BlockAction{ActionID: "deny", BlockID: "decision", Type: "button", Value: "req-1",
		Text: slack.TextBlockObject{Type: "plain_text", Text: "Deny", Emoji: new(false)}, ActionTs: acts[0].ActionTs}
	if diff := cmp.Diff(want, *acts[0]); diff != "" {
		t.Errorf("action (-want +got):\n%s", diff)
	}
}

func TestClickErrors(t *testing.T) {
	srv := newServer(t)
	ts := postCard(t, srv, support)
	tests := []struct {
		name              string
		user, channel, ts string
		action            string
		value             []string
		want              error
	}{
		{"unknown action", bob, support, ts, "escalate", nil, slacktest.ErrNotFound},
		{"unknown message", bob, support, "1.000001", "approve", nil, slacktest.ErrNotFound},
		{"unknown user", "U0NOPE", support, ts, "approve", nil, slacktest.ErrNotFound},
		{"button with another value", bob, support, ts, "approve", []string{"req-2"}, slacktest.ErrNotFound},
		{"private channel of others", bob, secret, ts, "approve", nil, slacktest.ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := srv.Click(testCtx(t), tt.user, tt.channel, tt.ts, tt.action, tt.value...)
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if n := len(srv.Envelopes()); n != 0 {
		t.Errorf("%d envelopes sent for impossible clicks", n)
	}
}

func TestClickOnEphemeralAndMenus(t *testing.T) {
	srv := newServer(t)
	c, _ := dialRaw(t, srv)
	menu := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "pool",
		slack.NewOptionBlockObject("prod", slack.NewTextBlockObject(slack.PlainTextType, "Production", false, false), nil),
		slack.NewOptionBlockObject("stage", slack.NewTextBlockObject(slack.PlainTextType, "Staging", false, false), nil))
	ts, err := api(srv).PostEphemeralContext(testCtx(t), support, alice, slack.MsgOptionBlocks(
		slack.NewActionBlock("choose", menu)))
	must(t, err, "ephemeral with a menu")
	got := background(t, func() (slacktest.Ack, error) {
		return srv.Click(testCtx(t), alice, support, ts, "pool", "stage")
	})
	env := c.next(t)
	c.ack(t, env.EnvelopeID, nil)
	must(t, wait(t, got).err, "Click")
	var cb slack.InteractionCallback
	must(t, json.Unmarshal(env.Payload, &cb), "payload")
	if !cb.Container.IsEphemeral || cb.Message.Timestamp != "" {
		t.Errorf("container = %+v, message ts = %q: an ephemeral click carries no message", cb.Container, cb.Message.Timestamp)
	}
	if a := cb.ActionCallback.BlockActions[0]; a.SelectedOption.Value != "stage" || a.Type != "static_select" {
		t.Errorf("action = %+v", a)
	}
	if _, err := srv.Click(testCtx(t), alice, support, ts, "pool", "dev"); !errors.Is(err, slacktest.ErrInvalidInput) {
		t.Errorf("option not on offer: %v", err)
	}
	if _, err := srv.Click(testCtx(t), bob, support, ts, "pool", "stage"); !errors.Is(err, slacktest.ErrNotFound) {
		t.Errorf("someone else's ephemeral: %v", err)
	}
}

// openModal opens resetModal for user through a slash command the bot acknowledges; it puts
// the bot back on the conformance rules.
func openModal(t *testing.T, srv *slacktest.Server, bot *goBot, user string) string {
	t.Helper()
	bot.respond(nil)
	_, err := srv.SlashCommand(testCtx(t), user, support, "/cognito", "")
	must(t, err, "slash command")
	next(t, bot.seen)
	v, err := api(srv).OpenViewContext(testCtx(t), lastTrigger(t, srv), resetModal())
	must(t, err, "views.open")
	return v.ID
}

func TestSubmitViewBuildsStateValues(t *testing.T) {
	srv := newServer(t)
	bot := startGoBot(t, srv)
	id := openModal(t, srv, bot, alice)
	bot.respond(func(seen) any { return nil })
	_, err := srv.SubmitView(testCtx(t), alice, id, map[string]string{"target": "u-1@example.com", "reason_input": "locked out"})
	must(t, err, "SubmitView")
	s := next(t, bot.seen)
	if s.Kind != "view_submission" || s.ViewID != id || s.UserID != alice || s.TriggerID == "" {
		t.Errorf("seen = %+v", s)
	}
	var payload struct {
		View struct {
			State struct {
				Values map[string]map[string]struct {
					Type  string  `json:"type"`
					Value *string `json:"value"`
				} `json:"values"`
			} `json:"state"`
			CallbackID string `json:"callback_id"`
		} `json:"view"`
	}
	env := srv.Envelopes()
	must(t, json.Unmarshal(env[len(env)-1].Payload, &payload), "payload")
	vals := payload.View.State.Values
	if v := vals["target"]["target_input"]; v.Type != "plain_text_input" || v.Value == nil || *v.Value != "u-1@example.com" {
		t.Errorf("target = %+v", v)
	}
	if v := vals["reason"]["reason_input"]; v.Value == nil || *v.Value != "locked out" {
		t.Errorf("reason = %+v", v)
	}
	if len(srv.Views(alice)) != 0 {
		t.Error("the view stayed open after an ack without response_action")
	}
	if v, ok := srv.View(id); !ok || v.Open {
		t.Errorf("closed view = %+v, %v", v, ok)
	}
}

func TestSubmitViewRefusesWhatSlackWouldNotSend(t *testing.T) {
	srv := newServer(t)
	bot := startGoBot(t, srv)
	id := openModal(t, srv, bot, alice)
	tests := []struct {
		name   string
		user   string
		values map[string]string
		want   error
	}{
		{"required input left empty", alice, map[string]string{"target": "u-1"}, slacktest.ErrInvalidInput},
		{"no such input", alice, map[string]string{"target": "u-1", "reason": "x", "ticket": "SUP-1"}, slacktest.ErrInvalidInput},
		{"someone else's view", bob, map[string]string{"target": "u-1", "reason": "x"}, slacktest.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := srv.SubmitView(testCtx(t), tt.user, id, tt.values); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestViewSubmissionResponses(t *testing.T) {
	srv := newServer(t)
	bot := startGoBot(t, srv)
	values := map[string]string{"target": "u-1", "reason": "locked out"}
	confirm := resetModal()
	confirm.Title = slack.NewTextBlockObject(slack.PlainTextType, "Confirm", false, false)

	id := openModal(t, srv, bot, alice)
	ack, err := srv.SubmitView(testCtx(t), alice, id, values)
	must(t, err, "submit with errors")
	next(t, bot.seen)
	if ack.ResponseAction() != "errors" {
		t.Errorf("ack = %s", ack.Payload)
	}
	v := srv.Views(alice)
	if len(v) != 1 || !cmp.Equal(v[0].Errors, map[string]string{"target": "bad: u-1", "reason": "bad: locked out"}) {
		t.Errorf("views after errors = %+v", v)
	}

	bot.respond(func(seen) any { return slack.NewUpdateViewSubmissionResponse(&confirm) })
	_, err = srv.SubmitView(testCtx(t), alice, id, values)
	must(t, err, "submit with update")
	next(t, bot.seen)
	if v := srv.Views(alice); len(v) != 1 || v[0].ID != id || v[0].Title != "Confirm" || v[0].Errors != nil {
		t.Errorf("views after update = %+v", v)
	}

	bot.respond(func(seen) any { return slack.NewPushViewSubmissionResponse(&confirm) })
	_, err = srv.SubmitView(testCtx(t), alice, id, values)
	must(t, err, "submit with push")
	next(t, bot.seen)
	v = srv.Views(alice)
	if len(v) != 2 || v[1].PreviousViewID != id {
		t.Fatalf("views after push = %+v", v)
	}
	if _, err := srv.SubmitView(testCtx(t), alice, id, values); !errors.Is(err, slacktest.ErrInvalidInput) {
		t.Errorf("submitting a view under another: %v", err)
	}

	bot.respond(func(seen) any { return slack.NewClearViewSubmissionResponse() })
	_, err = srv.SubmitView(testCtx(t), alice, v[1].ID, values)
	must(t, err, "submit with clear")
	next(t, bot.seen)
	if v := srv.Views(alice); len(v) != 0 {
		t.Errorf("views after clear = %+v", v)
	}

	id = openModal(t, srv, bot, alice)
	bot.respond(func(seen) any { return slack.NewErrorsViewSubmissionResponse(map[string]string{"nope": "x"}) })
	_, err = srv.SubmitView(testCtx(t), alice, id, values)
	if !errors.Is(err, slacktest.ErrInvalidResponse) {
		t.Errorf("errors naming no input: %v, want ErrInvalidResponse", err)
	}
	next(t, bot.seen)
}

func TestCloseView(t *testing.T) {
	srv := newServer(t)
	bot := startGoBot(t, srv)
	id := openModal(t, srv, bot, alice)
	ack, err := srv.CloseView(testCtx(t), alice, id)
	must(t, err, "CloseView")
	if s := next(t, bot.seen); s.Kind != "view_closed" || s.ViewID != id {
		t.Errorf("seen = %+v", s)
	}
	if ack.EnvelopeID == "" || len(srv.Views(alice)) != 0 {
		t.Errorf("ack = %+v, views = %+v", ack, srv.Views(alice))
	}
	if _, err := srv.CloseView(testCtx(t), alice, id); !errors.Is(err, slacktest.ErrNotFound) {
		t.Errorf("closing a closed view: %v", err)
	}
}

func TestSlashCommandReplies(t *testing.T) {
	srv := newServer(t)
	bot := startGoBot(t, srv)
	bot.respond(func(seen) any {
		return map[string]any{"response_type": "in_channel", "text": "alice asked for a reset"}
	})
	_, err := srv.SlashCommand(testCtx(t), alice, support, "/cognito", "reset u-1")
	must(t, err, "SlashCommand")
	next(t, bot.seen)
	if m := srv.Messages(support); len(m) != 1 || m[0].Text != "alice asked for a reset" || m[0].User != srv.BotUserID() {
		t.Errorf("channel = %+v", m)
	}
	bot.respond(func(seen) any {
		return map[string]any{"blocks": []any{map[string]any{"type": "carousel"}}}
	})
	if _, err := srv.SlashCommand(testCtx(t), alice, support, "/cognito", "x"); !errors.Is(err, slacktest.ErrInvalidResponse) {
		t.Errorf("reply with invalid blocks: %v", err)
	}
	next(t, bot.seen)
	tests := []struct {
		name          string
		user, channel string
		command       string
		want          error
	}{
		{"not a member", bob, secret, "/cognito", slacktest.ErrInvalidInput},
		{"not a command", alice, support, "cognito", slacktest.ErrInvalidInput},
		{"unknown channel", alice, "C0NOPE", "/cognito", slacktest.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := srv.SlashCommand(testCtx(t), tt.user, tt.channel, tt.command, ""); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestClickOnEveryKindOfMenu(t *testing.T) {
	srv := newServer(t)
	c, _ := dialRaw(t, srv)
	opt := func(v string) *slack.OptionBlockObject {
		return slack.NewOptionBlockObject(v, slack.NewTextBlockObject(slack.PlainTextType, v, false, false), nil)
	}
	multi := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, nil, "pools", opt("prod"), opt("stage"))
	_, ts, err := api(srv).PostMessageContext(testCtx(t), support, slack.MsgOptionBlocks(
		slack.NewActionBlock("menus",
			slack.NewOptionsSelectBlockElement(slack.OptTypeUser, nil, "approver"),
			multi,
			slack.NewDatePickerBlockElement("when"),
			slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeConversations, nil, "where"),
		)))
	must(t, err, "posting the menus")
	tests := []struct {
		action, value string
		want          map[string]any
	}{
		{"approver", bob, map[string]any{"type": "users_select", "selected_user": bob}},
		{"pools", "prod,stage", map[string]any{"type": "multi_static_select", "selected_options": []any{
			map[string]any{"text": map[string]any{"type": "plain_text", "text": "prod", "emoji": false}, "value": "prod"},
			map[string]any{"text": map[string]any{"type": "plain_text", "text": "stage", "emoji": false}, "value": "stage"},
		}}},
		{"when", "2026-03-01", map[string]any{"type": "datepicker", "selected_date": "2026-03-01"}},
		{"where", support + "," + lobby, map[string]any{"type": "multi_conversations_select", "selected_conversations": []any{support, lobby}}},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			got := background(t, func() (slacktest.Ack, error) {
				return srv.Click(testCtx(t), bob, support, ts, tt.action, tt.value)
			})
			env := c.next(t)
			c.ack(t, env.EnvelopeID, nil)
			must(t, wait(t, got).err, "Click")
			var p struct {
				Actions []map[string]any `json:"actions"`
			}
			must(t, json.Unmarshal(env.Payload, &p), "payload")
			a := p.Actions[0]
			for _, k := range []string{"action_id", "block_id", "action_ts"} {
				if a[k] == "" || a[k] == nil {
					t.Errorf("action lacks %s: %v", k, a)
				}
				delete(a, k)
			}
			if diff := cmp.Diff(tt.want, a); diff != "" {
				t.Errorf("action (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := srv.Click(testCtx(t), bob, support, ts, "when"); !errors.Is(err, slacktest.ErrInvalidInput) {
		t.Errorf("date picker without a date: %v", err)
	}
}

func TestSlashCommandChannelNames(t *testing.T) {
	srv := newServer(t)
	c, _ := dialRaw(t, srv)
	tests := []struct {
		channel, want string
	}{
		{support, "support"},
		{secret, "privategroup"},
		{srv.IMChannel(alice), "directmessage"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			go func() { _, _ = srv.SlashCommand(testCtx(t), alice, tt.channel, "/cognito", "") }()
			env := c.next(t)
			c.ack(t, env.EnvelopeID, nil)
			var p map[string]any
			must(t, json.Unmarshal(env.Payload, &p), "payload")
			if p["channel_name"] != tt.want || p["channel_id"] != tt.channel {
				t.Errorf("channel = %v %v, want %s", p["channel_id"], p["channel_name"], tt.want)
			}
		})
	}
}
