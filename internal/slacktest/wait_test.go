package slacktest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/internal/slacktest"
)

func TestWaitForWhatTheAppPostsAfterItsAck(t *testing.T) {
	srv := newServer(t)
	bot := startGoBot(t, srv)
	web := api(srv)
	_, err := srv.SlashCommand(testCtx(t), alice, support, "/cognito", "reset u-1")
	must(t, err, "SlashCommand")
	s := next(t, bot.seen)
	// The app works after its ack: a card in the channel, a reply in its thread, a private note.
	go func() {
		ctx := t.Context()
		_, ts, err := web.PostMessageContext(ctx, s.ChannelID, slack.MsgOptionText("Reset of u-1 requested", false))
		if err != nil {
			return
		}
		_, _, _ = web.PostMessageContext(ctx, s.ChannelID, slack.MsgOptionText("Waiting for approval", false), slack.MsgOptionTS(ts))
		_, _ = web.PostEphemeralContext(ctx, s.ChannelID, s.UserID, slack.MsgOptionText("Request SUP-1 filed", false))
	}()
	card, err := srv.WaitMessage(testCtx(t), support, func(m slacktest.Message) bool { return strings.HasPrefix(m.Text, "Reset of") })
	must(t, err, "waiting for the card")
	reply, err := srv.WaitMessage(testCtx(t), support, func(m slacktest.Message) bool { return m.ThreadTS == card.TS && m.TS != card.TS })
	must(t, err, "waiting for the thread reply")
	if reply.Text != "Waiting for approval" {
		t.Errorf("reply = %+v", reply)
	}
	_, err = srv.WaitEphemeral(testCtx(t), alice, func(e slacktest.Ephemeral) bool { return strings.Contains(e.Text, "SUP-1") })
	must(t, err, "waiting for the ephemeral")

	_, err = srv.SlashCommand(testCtx(t), alice, support, "/cognito", "")
	must(t, err, "SlashCommand")
	next(t, bot.seen)
	trigger := lastTrigger(t, srv)
	go func() { _, _ = web.OpenViewContext(t.Context(), trigger, resetModal()) }()
	v, err := srv.WaitView(testCtx(t), alice, func(v slacktest.View) bool { return v.CallbackID == "reset_request" })
	must(t, err, "waiting for the modal")
	if !v.Open || v.Title != "Reset a password" {
		t.Errorf("view = %+v", v)
	}

	ctx, cancel := context.WithTimeout(testCtx(t), 20*time.Millisecond)
	defer cancel()
	if _, err := srv.WaitMessage(ctx, support, func(slacktest.Message) bool { return false }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting for nothing: %v", err)
	}
}
