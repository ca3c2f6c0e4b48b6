package slacktest_test

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/internal/slacktest"
)

func TestUserPresence(t *testing.T) {
	srv := newServer(t)
	c := api(srv)
	ctx := testCtx(t)
	srv.AddUser(slacktest.User{ID: "U0GONE", Name: "gone", Deleted: true})

	presence := func(user string) string {
		t.Helper()
		p, err := c.GetUserPresenceContext(ctx, user)
		must(t, err, "users.getPresence of %s", user)
		return p.Presence
	}
	if got := presence(alice); got != slacktest.PresenceActive {
		t.Errorf("alice is %q before any SetPresence, want active", got)
	}
	must(t, srv.SetPresence(alice, slacktest.PresenceAway), "SetPresence away")
	if got, other := presence(alice), presence(bob); got != slacktest.PresenceAway || other != slacktest.PresenceActive {
		t.Errorf("after SetPresence(alice, away): alice %q, bob %q; want away, active", got, other)
	}
	must(t, srv.SetPresence(alice, slacktest.PresenceActive), "SetPresence active")
	if got := presence(alice); got != slacktest.PresenceActive {
		t.Errorf("alice is %q after SetPresence active", got)
	}
	if got := presence("U0GONE"); got != slacktest.PresenceAway {
		t.Errorf("a deactivated user is %q, want away", got)
	}
	if _, err := c.GetUserPresenceContext(ctx, "U0NOPE"); err == nil || err.Error() != "user_not_found" {
		t.Errorf("users.getPresence of an unknown user: %v, want user_not_found", err)
	}

	if err := srv.SetPresence("U0NOPE", slacktest.PresenceAway); !errors.Is(err, slacktest.ErrNotFound) {
		t.Errorf("SetPresence of an unknown user: %v, want ErrNotFound", err)
	}
	if err := srv.SetPresence(alice, "busy"); !errors.Is(err, slacktest.ErrInvalidInput) {
		t.Errorf("SetPresence busy: %v, want ErrInvalidInput", err)
	}

	srv.FailNext("users.getPresence", "ratelimited")
	if _, err := c.GetUserPresenceContext(ctx, alice); err == nil || err.Error() != "ratelimited" {
		t.Errorf("after FailNext: %v", err)
	}
}

// TestUserPresenceAnswers holds the raw answers to Slack's: only the presence for another user,
// how it was worked out as well for the authed user (the bot, when no user is given).
func TestUserPresenceAnswers(t *testing.T) {
	clock := slacktest.NewFakeClock(epoch)
	srv := newServer(t, slacktest.WithClock(clock))
	form := "application/x-www-form-urlencoded"
	bearer := http.Header{"Authorization": {"Bearer " + srv.BotToken()}}
	token := "token=" + url.QueryEscape(srv.BotToken())
	must(t, srv.SetPresence(bob, slacktest.PresenceAway), "SetPresence")
	tests := []struct {
		name        string
		contentType string
		body        string
		header      http.Header
		want        map[string]any
	}{
		{"another user, form", form, token + "&user=" + alice, nil, map[string]any{"ok": true, "presence": "active"}},
		{"another user away, json", "application/json", `{"user":"` + bob + `"}`, bearer, map[string]any{"ok": true, "presence": "away"}},
		{"the bot itself", form, token, nil, map[string]any{"ok": true, "presence": "active", "online": false,
			"auto_away": false, "manual_away": false, "connection_count": float64(0), "last_activity": float64(epoch.Unix())}},
		{"the bot by its id", form, token + "&user=" + srv.BotUserID(), nil, map[string]any{"ok": true, "presence": "active",
			"online": false, "auto_away": false, "manual_away": false, "connection_count": float64(0), "last_activity": float64(epoch.Unix())}},
		{"unknown user", form, token + "&user=U0NOPE", nil, map[string]any{"ok": false, "error": "user_not_found"}},
		{"no token", form, "user=" + alice, nil, map[string]any{"ok": false, "error": "not_authed"}},
		{"app token", form, "user=" + alice + "&token=" + url.QueryEscape(srv.AppToken()), nil,
			map[string]any{"ok": false, "error": "not_allowed_token_type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := rawCall(t, srv, "users.getPresence", tt.contentType, tt.body, tt.header)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("users.getPresence answer (-want +got):\n%s", diff)
			}
		})
	}

	startGoBot(t, srv)
	must(t, srv.WaitConnections(testCtx(t), 1), "waiting for the bot")
	_, got := rawCall(t, srv, "users.getPresence", form, token, nil)
	if got["online"] != true || got["connection_count"] != float64(1) {
		t.Errorf("the bot with a Socket Mode connection: %v, want online with 1 connection", got)
	}
}

// TestEphemeralToSomeoneAway: Slack answers ok, but a person who is away never sees it.
func TestEphemeralToSomeoneAway(t *testing.T) {
	srv := newServer(t)
	c := api(srv)
	ctx := testCtx(t)
	must(t, srv.SetPresence(alice, slacktest.PresenceAway), "SetPresence")
	ts, err := c.PostEphemeralContext(ctx, support, alice, slack.MsgOptionText("while you were away", false))
	must(t, err, "chat.postEphemeral to someone away")
	if ts == "" {
		t.Error("no message_ts")
	}
	if got := srv.Ephemerals(alice); len(got) != 0 {
		t.Errorf("alice, away, was shown %+v", got)
	}
	if n := srv.Calls("chat.postEphemeral"); n != 1 {
		t.Errorf("chat.postEphemeral calls = %d, want 1", n)
	}
	if _, err := c.PostEphemeralContext(ctx, lobby, alice, slack.MsgOptionText("x", false)); err == nil || err.Error() != "not_in_channel" {
		t.Errorf("errors still come first for someone away: %v", err)
	}
	must(t, srv.SetPresence(alice, slacktest.PresenceActive), "SetPresence")
	_, err = c.PostEphemeralContext(ctx, support, alice, slack.MsgOptionText("welcome back", false))
	must(t, err, "chat.postEphemeral")
	if got := srv.Ephemerals(alice); len(got) != 1 || got[0].Text != "welcome back" {
		t.Errorf("alice, active again, was shown %+v", got)
	}
}
