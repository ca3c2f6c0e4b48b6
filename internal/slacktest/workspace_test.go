package slacktest_test

import (
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/internal/slacktest"
)

func TestOptions(t *testing.T) {
	var logs lockedBuffer
	srv := slacktest.New(
		slacktest.WithAddr("127.0.0.1:0"),
		slacktest.WithTeam("T0ACME", "acme"),
		slacktest.WithAppID("A0ACME"),
		slacktest.WithBot("U0ACMEBOT", "B0ACMEBOT", "acmebot"),
		slacktest.WithTokens("xoxb-acme", "xapp-acme"),
		slacktest.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		slacktest.WithMaxConnections(1),
	)
	t.Cleanup(srv.Close)
	if srv.TeamID() != "T0ACME" || srv.TeamDomain() != "acme" || srv.AppID() != "A0ACME" || srv.BotUserID() != "U0ACMEBOT" ||
		srv.BotID() != "B0ACMEBOT" || srv.BotToken() != "xoxb-acme" || srv.AppToken() != "xapp-acme" || srv.Clock() == nil ||
		!strings.HasPrefix(srv.URL(), "http://127.0.0.1:") {
		t.Errorf("accessors disagree with the options")
	}
	got, err := api(srv).AuthTestContext(testCtx(t))
	must(t, err, "auth.test")
	if got.User != "acmebot" || got.URL != "https://acme.slack.com/" || got.BotID != "B0ACMEBOT" {
		t.Errorf("auth.test = %+v", got)
	}
	_, hello := dialRaw(t, srv)
	if hello.ConnectionInfo.AppID != "A0ACME" {
		t.Errorf("hello = %+v", hello)
	}
	if _, f := dialRaw(t, srv); f.Reason != slacktest.DisconnectTooManyWebsockets {
		t.Errorf("second connection over a limit of 1 got %+v", f)
	}
	if !strings.Contains(logs.String(), "listening") {
		t.Errorf("nothing logged:\n%s", logs.String())
	}
}

func TestStartFailsOnABusyAddress(t *testing.T) {
	srv := newServer(t)
	if _, err := slacktest.Start(slacktest.WithAddr(strings.TrimPrefix(srv.URL(), "http://"))); err == nil {
		t.Error("Start on a busy address succeeded")
	}
}

func TestMembership(t *testing.T) {
	srv := newServer(t)
	web := api(srv)
	must(t, srv.JoinChannel(lobby, srv.BotUserID()), "join")
	_, _, err := web.PostMessageContext(testCtx(t), lobby, slack.MsgOptionText("hello lobby", false))
	must(t, err, "post after joining")
	must(t, srv.LeaveChannel(lobby, srv.BotUserID()), "leave")
	if _, _, err := web.PostMessageContext(testCtx(t), lobby, slack.MsgOptionText("x", false)); err == nil || err.Error() != "not_in_channel" {
		t.Errorf("post after leaving: %v", err)
	}
	if err := srv.JoinChannel("C0NOPE", alice); !errors.Is(err, slacktest.ErrNotFound) {
		t.Errorf("join of an unknown channel: %v", err)
	}
	if err := srv.DisableUserGroup("S0NOPE"); !errors.Is(err, slacktest.ErrNotFound) {
		t.Errorf("disable of an unknown group: %v", err)
	}
	_, _, err = web.PostMessageContext(testCtx(t), "#support", slack.MsgOptionText("by name", false))
	must(t, err, "post by channel name")
}

func TestGroupDM(t *testing.T) {
	srv := newServer(t)
	web := api(srv)
	ch, _, _, err := web.OpenConversationContext(testCtx(t), &slack.OpenConversationParameters{Users: []string{alice, bob}})
	must(t, err, "conversations.open with two users")
	if !strings.HasPrefix(ch.ID, "G") || !ch.IsMpIM {
		t.Errorf("channel = %+v", ch)
	}
	again, _, already, err := web.OpenConversationContext(testCtx(t), &slack.OpenConversationParameters{Users: []string{bob, alice}})
	must(t, err, "open again")
	if again.ID != ch.ID || !already {
		t.Errorf("reopened = %+v, already_open=%v", again, already)
	}
	_, _, err = web.PostMessageContext(testCtx(t), ch.ID, slack.MsgOptionText("hi both", false))
	must(t, err, "post to the group DM")
	if m := srv.Messages(ch.ID); len(m) != 1 {
		t.Errorf("messages = %+v", m)
	}
	info, err := web.GetConversationInfoContext(testCtx(t), &slack.GetConversationInfoInput{ChannelID: srv.IMChannel(alice)})
	must(t, err, "conversations.info of an IM")
	if !info.IsIM || info.User != alice {
		t.Errorf("IM info = %+v", info)
	}
}

func TestContentAndBlocks(t *testing.T) {
	srv := newServer(t)
	ts := postCard(t, srv, support)
	m, ok := srv.Message(support, ts)
	if !ok {
		t.Fatal("card not stored")
	}
	for _, want := range []string{"Reset requested", "*alice* asks to reset *u-1*", "Approve", "Deny", "req-1"} {
		if !strings.Contains(m.Content(), want) {
			t.Errorf("content lacks %q:\n%s", want, m.Content())
		}
	}
	_, err := api(srv).PostEphemeralContext(testCtx(t), support, alice, slack.MsgOptionBlocks(
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "only you", false, false), nil, nil)))
	must(t, err, "ephemeral")
	e := srv.Ephemerals(alice)[0]
	blocks, err := e.SlackBlocks()
	must(t, err, "ephemeral blocks")
	if len(blocks.BlockSet) != 1 || !strings.Contains(e.Content(), "only you") {
		t.Errorf("ephemeral = %+v", e)
	}
}

func TestViewBlocksAndExternalIDs(t *testing.T) {
	srv := newServer(t)
	bot := startGoBot(t, srv)
	web := api(srv)
	trigger := func() string {
		t.Helper()
		bot.respond(nil)
		_, err := srv.SlashCommand(testCtx(t), alice, support, "/cognito", "")
		must(t, err, "slash")
		next(t, bot.seen)
		return lastTrigger(t, srv)
	}
	bad := resetModal()
	bad.Blocks.BlockSet = append(bad.Blocks.BlockSet, slack.NewHeaderBlock(slack.NewTextBlockObject(slack.MarkdownType, "x", false, false)))
	_, err := web.OpenViewContext(testCtx(t), trigger(), bad)
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "invalid_arguments" || len(se.ResponseMetadata.Messages) != 1 ||
		!strings.Contains(se.ResponseMetadata.Messages[0], "[json-pointer:/view/blocks/2/text/type]") {
		t.Errorf("header in mrkdwn: %#v", err)
	}

	withButton := resetModal()
	withButton.ExternalID = "req-1"
	withButton.Blocks.BlockSet = append(withButton.Blocks.BlockSet, slack.NewSectionBlock(
		slack.NewTextBlockObject(slack.MarkdownType, "Need help?", false, false), nil,
		slack.NewAccessory(slack.NewButtonBlockElement("help", "h", slack.NewTextBlockObject(slack.PlainTextType, "Help", false, false)))))
	v, err := web.OpenViewContext(testCtx(t), trigger(), withButton)
	must(t, err, "views.open")
	if _, err := web.OpenViewContext(testCtx(t), trigger(), withButton); err == nil || err.Error() != "duplicate_external_id" {
		t.Errorf("second view with the same external_id: %v", err)
	}
	_, err = srv.ClickInView(testCtx(t), alice, v.ID, "help")
	must(t, err, "ClickInView")
	if s := next(t, bot.seen); s.Kind != "block_actions" || s.ViewID != v.ID || s.ActionID != "help" {
		t.Errorf("seen = %+v", s)
	}
	if _, err := srv.ClickInView(testCtx(t), alice, v.ID, "nope"); !errors.Is(err, slacktest.ErrNotFound) {
		t.Errorf("click on a missing element: %v", err)
	}
	renamed := withButton
	renamed.Title = slack.NewTextBlockObject(slack.PlainTextType, "Renamed", false, false)
	_, err = web.UpdateViewContext(testCtx(t), renamed, "req-1", "", "")
	must(t, err, "views.update by external_id")
	got, ok := srv.View(v.ID)
	if !ok || got.Title != "Renamed" || got.ExternalID != "req-1" {
		t.Errorf("view = %+v", got)
	}
	blocks, err := got.SlackBlocks()
	must(t, err, "view blocks")
	if len(blocks.BlockSet) != 3 || !strings.Contains(got.Content(), "Need help?") {
		t.Errorf("view blocks = %d, content %q", len(blocks.BlockSet), got.Content())
	}
}

func TestResponseURLOnEphemerals(t *testing.T) {
	srv := newServer(t)
	c, _ := dialRaw(t, srv)
	web := api(srv)
	ts, err := web.PostEphemeralContext(testCtx(t), support, alice, slack.MsgOptionBlocks(slack.NewActionBlock("b",
		slack.NewButtonBlockElement("reveal", "r", slack.NewTextBlockObject(slack.PlainTextType, "Reveal", false, false)))))
	must(t, err, "ephemeral")
	click := func() string {
		go func() { _, _ = srv.Click(testCtx(t), alice, support, ts, "reveal") }()
		env := c.next(t)
		c.ack(t, env.EnvelopeID, nil)
		var p struct {
			ResponseURL string `json:"response_url"`
		}
		must(t, json.Unmarshal(env.Payload, &p), "payload")
		return p.ResponseURL
	}
	_, _, err = web.PostMessageContext(testCtx(t), "", slack.MsgOptionReplaceOriginal(click()), slack.MsgOptionText("revealed", false))
	must(t, err, "replace the ephemeral")
	if e := srv.Ephemerals(alice); len(e) != 1 || e[0].Text != "revealed" || e[0].Blocks != nil {
		t.Fatalf("ephemerals = %+v", e)
	}
	_, err = web.PostEphemeralContext(testCtx(t), support, alice, slack.MsgOptionBlocks(slack.NewActionBlock("b",
		slack.NewButtonBlockElement("reveal", "r", slack.NewTextBlockObject(slack.PlainTextType, "Reveal", false, false)))))
	must(t, err, "second ephemeral")
	ts = srv.Ephemerals(alice)[1].TS
	_, _, err = web.PostMessageContext(testCtx(t), "", slack.MsgOptionDeleteOriginal(click()))
	must(t, err, "delete the ephemeral")
	if e := srv.Ephemerals(alice); len(e) != 1 {
		t.Errorf("ephemerals after delete_original = %+v", e)
	}
}
