package slacktest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/internal/slacktest"
)

// control calls the control API and decodes the answer into out (if not nil).
func control(t *testing.T, srv *slacktest.Server, method, path string, body any, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		must(t, err, "encoding")
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(testCtx(t), method, srv.ControlURL()+path, r)
	must(t, err, "request")
	resp, err := http.DefaultClient.Do(req)
	must(t, err, "%s %s", method, path)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err, "reading")
	if out != nil {
		must(t, json.Unmarshal(b, out), "decoding %s", b)
	}
	return resp.StatusCode
}

func TestControlAPI(t *testing.T) {
	srv, err := slacktest.Start()
	must(t, err, "Start")
	t.Cleanup(srv.Close)

	var info map[string]string
	if control(t, srv, "GET", "info", nil, &info) != http.StatusOK || info["api_url"] != srv.APIURL() ||
		info["bot_token"] != srv.BotToken() || info["app_token"] != srv.AppToken() || info["bot_user_id"] != srv.BotUserID() {
		t.Fatalf("info = %v", info)
	}
	setup := []struct {
		path string
		body any
	}{
		{"users", map[string]any{"id": alice, "name": "alice", "email": "alice@example.com"}},
		{"users", map[string]any{"id": bob, "name": "bob"}},
		{"usergroups", map[string]any{"id": "S0APPROVERS", "handle": "approvers", "users": []string{bob}}},
		{"channels", map[string]any{"id": support, "name": "support", "members": []string{alice, bob, srv.BotUserID()}}},
		{"channels", map[string]any{"id": secret, "name": "secret", "private": true, "members": []string{alice}}},
	}
	for _, s := range setup {
		if st := control(t, srv, "POST", s.path, s.body, nil); st != http.StatusOK {
			t.Fatalf("POST %s: %d", s.path, st)
		}
	}
	if st := control(t, srv, "POST", "presence", map[string]string{"user": bob, "presence": "away"}, nil); st != http.StatusOK {
		t.Fatalf("POST presence: %d", st)
	}
	if p, err := api(srv).GetUserPresenceContext(testCtx(t), bob); err != nil || p.Presence != "away" {
		t.Errorf("presence set through the control API: %+v %v", p, err)
	}
	members, err := api(srv).GetUserGroupMembersContext(testCtx(t), "S0APPROVERS")
	if err != nil || len(members) != 1 || members[0] != bob {
		t.Errorf("group set up through the control API: %v %v", members, err)
	}

	bot := startGoBot(t, srv)
	var ack struct {
		EnvelopeID string          `json:"envelope_id"`
		Type       string          `json:"type"`
		Payload    json.RawMessage `json:"payload"`
	}
	st := control(t, srv, "POST", "slash", map[string]string{"user": alice, "channel": support, "command": "/cognito", "text": "hi"}, &ack)
	if st != http.StatusOK || ack.Type != "slash_commands" || string(ack.Payload) != `{"text":"ack: hi"}` {
		t.Errorf("slash = %d %+v %s", st, ack, ack.Payload)
	}
	next(t, bot.seen)

	ts := postCard(t, srv, support)
	var msgs []slacktest.Message
	if control(t, srv, "GET", "messages?channel="+support, nil, &msgs); len(msgs) != 1 || msgs[0].TS != ts {
		t.Fatalf("messages = %+v", msgs)
	}
	st = control(t, srv, "POST", "click", map[string]string{"user": bob, "channel": support, "message_ts": ts, "action_id": "approve"}, &ack)
	if st != http.StatusOK || ack.Type != "interactive" {
		t.Errorf("click = %d %+v", st, ack)
	}
	if s := next(t, bot.seen); s.ActionID != "approve" || s.UserID != bob {
		t.Errorf("seen = %+v", s)
	}
	var eph []slacktest.Ephemeral
	if control(t, srv, "GET", "ephemerals?user="+alice, nil, &eph); len(eph) != 1 || eph[0].Text != "ack: hi" {
		t.Errorf("ephemerals = %+v", eph)
	}

	errorsWant := []struct {
		path   string
		body   any
		status int
	}{
		{"slash", map[string]string{"user": "U0NOPE", "channel": support, "command": "/cognito"}, http.StatusNotFound},
		{"slash", map[string]string{"user": bob, "channel": secret, "command": "/cognito"}, http.StatusBadRequest},
		{"click", map[string]string{"user": bob, "channel": support, "message_ts": ts, "action_id": "nope"}, http.StatusNotFound},
		{"route", map[string]string{"mode": "sideways"}, http.StatusBadRequest},
		{"presence", map[string]string{"user": "U0NOPE", "presence": "away"}, http.StatusNotFound},
		{"presence", map[string]string{"user": bob, "presence": "busy"}, http.StatusBadRequest},
		{"users", "not an object", http.StatusBadRequest},
		{"disconnect", map[string]string{"reason": "warning", "conn": "conn-9"}, http.StatusServiceUnavailable},
	}
	for _, e := range errorsWant {
		var out map[string]any
		if st := control(t, srv, "POST", e.path, e.body, &out); st != e.status || out["error"] == "" {
			t.Errorf("POST %s %v = %d %v, want %d", e.path, e.body, st, out, e.status)
		}
	}

	control(t, srv, "POST", "fail", map[string]string{"method": "chat.postMessage", "error": "fatal_error"}, nil)
	if _, _, err := api(srv).PostMessageContext(testCtx(t), support, slack.MsgOptionText("x", false)); err == nil || err.Error() != "fatal_error" {
		t.Errorf("after /control/fail: %v", err)
	}
	history := &slack.GetConversationHistoryParameters{ChannelID: support}
	control(t, srv, "POST", "scopes", map[string][]string{"revoke": {"channels:history"}}, nil)
	if _, err := api(srv).GetConversationHistoryContext(testCtx(t), history); err == nil || err.Error() != "missing_scope" {
		t.Errorf("after /control/scopes revoked channels:history: %v", err)
	}
	control(t, srv, "POST", "scopes", map[string][]string{"grant": {"channels:history"}}, nil)
	if _, err := api(srv).GetConversationHistoryContext(testCtx(t), history); err != nil {
		t.Errorf("after /control/scopes granted channels:history: %v", err)
	}
	var conns []slacktest.ConnInfo
	if control(t, srv, "GET", "connections", nil, &conns); len(conns) != 1 {
		t.Errorf("connections = %+v", conns)
	}
	var envs []slacktest.EnvelopeRecord
	if control(t, srv, "GET", "envelopes", nil, &envs); len(envs) != 2 || envs[0].Status != slacktest.StatusAcked {
		t.Errorf("envelopes = %+v", envs)
	}
	var rec []slacktest.Request
	if control(t, srv, "GET", "record", nil, &rec); len(rec) == 0 {
		t.Error("empty record")
	}
	for _, p := range []struct {
		path string
		body any
	}{
		{"route", map[string]string{"mode": "conn", "conn": "conn-1"}},
		{"latency", map[string]any{"method": "auth.test", "ms": 0}},
		{"ratelimits", map[string]bool{"enabled": false}},
		{"ping", map[string]int{"interval_ms": 1000}},
		{"disconnect", map[string]string{"reason": "refresh_requested"}},
	} {
		if st := control(t, srv, "POST", p.path, p.body, nil); st != http.StatusOK {
			t.Errorf("POST %s: %d", p.path, st)
		}
	}
	must(t, srv.WaitConnectionsOpened(testCtx(t), 2), "reconnect after /control/disconnect")
	control(t, srv, "POST", "route", map[string]string{"mode": "random"}, nil)
	if st := control(t, srv, "POST", "drop", nil, nil); st != http.StatusOK {
		t.Errorf("drop: %d", st)
	}
	must(t, srv.WaitConnectionsOpened(testCtx(t), 3), "reconnect after /control/drop")
}
