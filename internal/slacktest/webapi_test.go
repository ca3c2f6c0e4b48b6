package slacktest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/internal/slacktest"
)

// rawCall calls a Web API method with a hand-made request and decodes the answer.
func rawCall(t *testing.T, srv *slacktest.Server, method, contentType, body string, header http.Header) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(testCtx(t), http.MethodPost, srv.APIURL()+method, strings.NewReader(body))
	must(t, err, "request")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	must(t, err, "calling %s", method)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err, "reading the answer")
	var out map[string]any
	must(t, json.Unmarshal(b, &out), "decoding %s", b)
	return resp.StatusCode, out
}

func TestTokens(t *testing.T) {
	srv := newServer(t)
	form := "application/x-www-form-urlencoded"
	tests := []struct {
		name        string
		contentType string
		body        string
		header      http.Header
		wantErr     string
	}{
		{"form token", form, "token=" + url.QueryEscape(srv.BotToken()), nil, ""},
		{"bearer header", form, "", http.Header{"Authorization": {"Bearer " + srv.BotToken()}}, ""},
		{"json with bearer", "application/json", "{}", http.Header{"Authorization": {"Bearer " + srv.BotToken()}}, ""},
		{"json with token in the body", "application/json", `{"token":"` + srv.BotToken() + `"}`, nil, "not_authed"},
		{"no token", form, "", nil, "not_authed"},
		{"wrong token", form, "token=xoxb-1-2-nope", nil, "invalid_auth"},
		{"app token", form, "token=" + url.QueryEscape(srv.AppToken()), nil, "not_allowed_token_type"},
		{"not a bearer", form, "", http.Header{"Authorization": {"Basic " + srv.BotToken()}}, "invalid_auth"},
		{"bad json", "application/json", "{", http.Header{"Authorization": {"Bearer " + srv.BotToken()}}, "invalid_json"},
		{"bad content type", "text/csv", "a,b", http.Header{"Authorization": {"Bearer " + srv.BotToken()}}, "invalid_post_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := rawCall(t, srv, "auth.test", tt.contentType, tt.body, tt.header)
			if tt.wantErr == "" {
				if got["ok"] != true || got["user_id"] != srv.BotUserID() {
					t.Errorf("answer = %v", got)
				}
				return
			}
			if got["ok"] != false || got["error"] != tt.wantErr {
				t.Errorf("answer = %v, want error %s", got, tt.wantErr)
			}
		})
	}
	if _, got := rawCall(t, srv, "chat.unfurl", "", "", nil); got["error"] != "unknown_method" {
		t.Errorf("unknown method answered %v", got)
	}
}

func TestAuthTest(t *testing.T) {
	srv := newServer(t)
	got, err := api(srv).AuthTestContext(testCtx(t))
	must(t, err, "auth.test")
	want := &slack.AuthTestResponse{URL: "https://resetbot-test.slack.com/", Team: "resetbot-test", User: "resetbot",
		TeamID: srv.TeamID(), UserID: srv.BotUserID(), BotID: srv.BotID()}
	got.Header = nil
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("auth.test (-want +got):\n%s", diff)
	}
}

func TestBotsInfo(t *testing.T) {
	srv := newServer(t)
	got, err := api(srv).GetBotInfoContext(testCtx(t), slack.GetBotInfoParameters{Bot: srv.BotID()})
	must(t, err, "bots.info")
	want := slack.Bot{ID: srv.BotID(), Name: "resetbot", UserID: srv.BotUserID(), AppID: srv.AppID()}
	if diff := cmp.Diff(want, *got, cmpopts.IgnoreFields(slack.Bot{}, "Updated", "Icons")); diff != "" {
		t.Errorf("bots.info (-want +got):\n%s", diff)
	}
	if _, err := api(srv).GetBotInfoContext(testCtx(t), slack.GetBotInfoParameters{Bot: "B0NOBODY"}); err == nil || err.Error() != "bot_not_found" {
		t.Errorf("bots.info of an unknown bot: %v, want bot_not_found", err)
	}
}

func TestPostMessageThreadsAndTimestamps(t *testing.T) {
	srv := newServer(t)
	c := api(srv)
	ctx := testCtx(t)
	ts := postCard(t, srv, support)
	_, r1, err := c.PostMessageContext(ctx, support, slack.MsgOptionText("first reply", false), slack.MsgOptionTS(ts))
	must(t, err, "reply")
	_, r2, err := c.PostMessageContext(ctx, support, slack.MsgOptionText("second reply", false), slack.MsgOptionTS(r1))
	must(t, err, "reply to a reply")
	_, top, err := c.PostMessageContext(ctx, support, slack.MsgOptionText("another", false))
	must(t, err, "top-level")
	stamps := map[string]bool{ts: true, r1: true, r2: true, top: true}
	if len(stamps) != 4 {
		t.Errorf("timestamps are not unique: %v", []string{ts, r1, r2, top})
	}
	var texts []string
	for _, m := range srv.Messages(support) {
		texts = append(texts, m.Text)
	}
	if diff := cmp.Diff([]string{"Reset requested", "another"}, texts); diff != "" {
		t.Errorf("channel messages (-want +got):\n%s", diff)
	}
	thread := srv.Thread(support, r2)
	texts = nil
	for _, m := range thread {
		texts = append(texts, m.Text)
		if m.ThreadTS != ts {
			t.Errorf("message %q thread_ts = %q, want %q", m.Text, m.ThreadTS, ts)
		}
	}
	if diff := cmp.Diff([]string{"Reset requested", "first reply", "second reply"}, texts); diff != "" {
		t.Errorf("thread (-want +got):\n%s", diff)
	}
	if thread[0].ReplyCount != 2 || thread[0].User != srv.BotUserID() || thread[0].BotID != srv.BotID() {
		t.Errorf("parent = %+v", thread[0])
	}
	blocks, err := thread[0].SlackBlocks()
	must(t, err, "decoding the card's blocks")
	if len(blocks.BlockSet) != 2 {
		t.Fatalf("card has %d blocks", len(blocks.BlockSet))
	}
	if sec, ok := blocks.BlockSet[0].(*slack.SectionBlock); !ok || sec.BlockID == "" {
		t.Errorf("first block = %#v, want a section with a block_id filled in", blocks.BlockSet[0])
	}
}

func TestPostMessageValidation(t *testing.T) {
	srv := newServer(t)
	c := api(srv)
	longSection := slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("a", 3001), false, false), nil, nil)
	tests := []struct {
		name    string
		channel string
		opts    []slack.MsgOption
		want    string
	}{
		{"no text", support, nil, "no_text"},
		{"unknown channel", "C0NOPE", []slack.MsgOption{slack.MsgOptionText("hi", false)}, "channel_not_found"},
		{"public channel without the bot", lobby, []slack.MsgOption{slack.MsgOptionText("hi", false)}, "not_in_channel"},
		{"private channel without the bot", secret, []slack.MsgOption{slack.MsgOptionText("hi", false)}, "channel_not_found"},
		{"text too long", support, []slack.MsgOption{slack.MsgOptionText(strings.Repeat("a", 40001), false)}, "msg_too_long"},
		{"section too long", support, []slack.MsgOption{slack.MsgOptionBlocks(longSection)}, "invalid_blocks"},
		{"not json", support, []slack.MsgOption{slack.MsgOptionText("x", false), rawBlocks(srv, "[{")}, "invalid_blocks_format"},
		{"unknown block", support, []slack.MsgOption{rawBlocks(srv, `[{"type":"carousel"}]`)}, "invalid_blocks"},
		{"duplicate block ids", support, []slack.MsgOption{rawBlocks(srv, `[{"type":"divider","block_id":"a"},{"type":"divider","block_id":"a"}]`)}, "invalid_blocks"},
		{"button without text", support, []slack.MsgOption{rawBlocks(srv, `[{"type":"actions","elements":[{"type":"button","action_id":"x"}]}]`)}, "invalid_blocks"},
		{"input element in actions", support, []slack.MsgOption{rawBlocks(srv, `[{"type":"actions","elements":[{"type":"plain_text_input"}]}]`)}, "invalid_blocks"},
		// A problem with the channel is the answer before one with the content.
		{"unknown block, channel without the bot", lobby, []slack.MsgOption{rawBlocks(srv, `[{"type":"carousel"}]`)}, "not_in_channel"},
		{"no text, unknown channel", "C0NOPE", nil, "channel_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := c.PostMessageContext(testCtx(t), tt.channel, tt.opts...)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v, want %s", err, tt.want)
			}
		})
	}
	if n := len(srv.Messages(support)); n != 0 {
		t.Errorf("%d messages stored by refused calls", n)
	}
}

// rawBlocks sets the blocks argument to raw text, as a client with a bug might.
func rawBlocks(srv *slacktest.Server, s string) slack.MsgOption {
	return slack.UnsafeMsgOptionEndpoint(srv.APIURL()+"chat.postMessage", func(v url.Values) { v.Set("blocks", s) })
}

func TestPostMessageToAUserGoesToTheDM(t *testing.T) {
	srv := newServer(t)
	ch, _, err := api(srv).PostMessageContext(testCtx(t), alice, slack.MsgOptionText("your request was approved", false))
	must(t, err, "posting to a user id")
	if ch != srv.IMChannel(alice) {
		t.Errorf("posted to %s, want the IM %s", ch, srv.IMChannel(alice))
	}
	dms := srv.DMs(alice)
	if len(dms) != 1 || dms[0].Text != "your request was approved" {
		t.Errorf("DMs = %+v", dms)
	}
}

func TestUpdateAndDelete(t *testing.T) {
	srv := newServer(t)
	c := api(srv)
	ctx := testCtx(t)
	ts := postCard(t, srv, support)
	_, _, _, err := c.UpdateMessageContext(ctx, support, ts, slack.MsgOptionText("Approved by bob", false),
		slack.MsgOptionBlocks(slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "Approved", false, false), nil, nil)))
	must(t, err, "chat.update")
	m, _ := srv.Message(support, ts)
	if m.Text != "Approved by bob" || !m.Edited || strings.Contains(string(m.Blocks), "approve") {
		t.Errorf("updated message = %+v", m)
	}
	_, _, _, err = c.UpdateMessageContext(ctx, support, "1.000001", slack.MsgOptionText("x", false))
	if err == nil || err.Error() != "message_not_found" {
		t.Errorf("update of a missing message: %v", err)
	}
	_, _, err = c.DeleteMessageContext(ctx, support, ts)
	must(t, err, "chat.delete")
	if _, ok := srv.Message(support, ts); ok {
		t.Error("deleted message still there")
	}
	if _, _, err = c.DeleteMessageContext(ctx, support, ts); err == nil || err.Error() != "message_not_found" {
		t.Errorf("second delete: %v", err)
	}
}

func TestPostEphemeral(t *testing.T) {
	srv := newServer(t)
	c := api(srv)
	ctx := testCtx(t)
	ts, err := c.PostEphemeralContext(ctx, support, alice, slack.MsgOptionText("Temporary password: hunter2", false))
	must(t, err, "chat.postEphemeral")
	got := srv.Ephemerals(alice)
	if len(got) != 1 || got[0].TS != ts || got[0].Via != "chat.postEphemeral" || got[0].Channel != support {
		t.Errorf("ephemerals = %+v", got)
	}
	if len(srv.Ephemerals(bob)) != 0 || len(srv.Messages(support)) != 0 {
		t.Error("an ephemeral message is visible to others")
	}
	if _, err := c.PostEphemeralContext(ctx, lobby, alice, slack.MsgOptionText("x", false)); err == nil || err.Error() != "not_in_channel" {
		t.Errorf("ephemeral in a channel without the bot: %v", err)
	}
	srv.AddUser(slacktest.User{ID: "U0DAVE", Name: "dave"})
	if _, err := c.PostEphemeralContext(ctx, support, "U0DAVE", slack.MsgOptionText("x", false)); err == nil || err.Error() != "user_not_in_channel" {
		t.Errorf("ephemeral to a non-member: %v", err)
	}
}

func TestConversations(t *testing.T) {
	srv := newServer(t)
	c := api(srv)
	ctx := testCtx(t)
	im, noOp, already, err := c.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{bob}})
	must(t, err, "conversations.open")
	if im.ID != srv.IMChannel(bob) || noOp || already {
		t.Errorf("conversations.open = %+v no_op=%v already_open=%v", im, noOp, already)
	}
	again, _, already, err := c.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{bob}})
	must(t, err, "conversations.open again")
	if again.ID != im.ID || !already {
		t.Errorf("second open = %+v already_open=%v", again, already)
	}
	if _, _, _, err := c.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U0NOPE"}}); err == nil || err.Error() != "user_not_found" {
		t.Errorf("open with an unknown user: %v", err)
	}
	info, err := c.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: support, IncludeNumMembers: true})
	must(t, err, "conversations.info")
	if info.Name != "support" || !info.IsMember || !info.IsChannel || info.IsPrivate || info.NumMembers != 4 {
		t.Errorf("conversations.info = %+v", info)
	}
	info, err = c.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: lobby})
	must(t, err, "conversations.info of a channel without the bot")
	if info.IsMember {
		t.Error("bot reported a member of lobby")
	}
	if _, err := c.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: secret}); err == nil || err.Error() != "channel_not_found" {
		t.Errorf("conversations.info of a private channel without the bot: %v", err)
	}
}

func TestUsersAndGroups(t *testing.T) {
	srv := newServer(t)
	c := api(srv)
	ctx := testCtx(t)
	u, err := c.GetUserInfoContext(ctx, alice)
	must(t, err, "users.info")
	if u.Name != "alice" || u.Profile.Email != "alice@example.com" || u.TeamID != srv.TeamID() || u.IsBot {
		t.Errorf("users.info = %+v", u)
	}
	if _, err := c.GetUserInfoContext(ctx, "U0NOPE"); err == nil || err.Error() != "user_not_found" {
		t.Errorf("users.info of an unknown user: %v", err)
	}
	srv.AddUserGroup("S0OLD", "old-approvers", alice)
	must(t, srv.DisableUserGroup("S0OLD"), "disabling")
	groups, err := c.GetUserGroupsContext(ctx, slack.GetUserGroupsOptionIncludeUsers(true))
	must(t, err, "usergroups.list")
	if len(groups) != 1 || groups[0].ID != "S0APPROVERS" || groups[0].Handle != "approvers" ||
		!cmp.Equal(groups[0].Users, []string{bob, carol}) {
		t.Errorf("usergroups.list = %+v", groups)
	}
	all, err := c.GetUserGroupsContext(ctx, slack.GetUserGroupsOptionIncludeDisabled(true))
	must(t, err, "usergroups.list with disabled")
	if len(all) != 2 {
		t.Errorf("usergroups.list include_disabled = %d groups, want 2", len(all))
	}
	members, err := c.GetUserGroupMembersContext(ctx, "S0APPROVERS")
	must(t, err, "usergroups.users.list")
	if diff := cmp.Diff([]string{bob, carol}, members); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
	if _, err := c.GetUserGroupMembersContext(ctx, "S0NOPE"); err == nil || err.Error() != "no_such_subteam" {
		t.Errorf("usergroups.users.list of an unknown group: %v", err)
	}
}

func TestTriggerIDs(t *testing.T) {
	clock := slacktest.NewFakeClock(epoch)
	srv := newServer(t, slacktest.WithClock(clock))
	c, _ := dialRaw(t, srv)
	trigger := func() string {
		go func() { _, _ = srv.SlashCommand(testCtx(t), alice, support, "/cognito", "") }()
		env := c.next(t)
		c.ack(t, env.EnvelopeID, nil)
		var p struct {
			TriggerID string `json:"trigger_id"`
		}
		must(t, json.Unmarshal(env.Payload, &p), "payload")
		return p.TriggerID
	}
	web := api(srv)
	fresh := trigger()
	clock.Advance(slacktest.TriggerLifetime)
	_, err := web.OpenViewContext(testCtx(t), fresh, resetModal())
	must(t, err, "views.open at the last moment of the trigger's life")
	_, err = web.OpenViewContext(testCtx(t), fresh, resetModal())
	if err == nil || !strings.HasPrefix(err.Error(), "exchanged_trigger_id") {
		t.Errorf("second use: %v, want exchanged_trigger_id", err)
	}
	old := trigger()
	clock.Advance(slacktest.TriggerLifetime + time.Millisecond)
	_, err = web.OpenViewContext(testCtx(t), old, resetModal())
	if err == nil || !strings.HasPrefix(err.Error(), "expired_trigger_id") {
		t.Errorf("expired trigger: %v, want expired_trigger_id", err)
	}
	_, err = web.OpenViewContext(testCtx(t), "1.2.3", resetModal())
	if err == nil || !strings.HasPrefix(err.Error(), "invalid_trigger_id") {
		t.Errorf("unknown trigger: %v, want invalid_trigger_id", err)
	}
}

func TestViews(t *testing.T) {
	srv := newServer(t)
	c, _ := dialRaw(t, srv)
	trigger := func() string {
		go func() { _, _ = srv.SlashCommand(testCtx(t), alice, support, "/cognito", "") }()
		env := c.next(t)
		c.ack(t, env.EnvelopeID, nil)
		var p struct {
			TriggerID string `json:"trigger_id"`
		}
		must(t, json.Unmarshal(env.Payload, &p), "payload")
		return p.TriggerID
	}
	web := api(srv)
	ctx := testCtx(t)
	root, err := web.OpenViewContext(ctx, trigger(), resetModal())
	must(t, err, "views.open")
	if root.ID == "" || root.Hash == "" || root.RootViewID != root.ID || root.CallbackID != "reset_request" {
		t.Errorf("opened view = %+v", root.View)
	}
	pushed, err := web.PushViewContext(ctx, trigger(), resetModal())
	must(t, err, "views.push")
	if pushed.RootViewID != root.ID || pushed.PreviousViewID != root.ID {
		t.Errorf("pushed view = %+v", pushed.View)
	}
	_, err = web.PushViewContext(ctx, trigger(), resetModal())
	must(t, err, "third view")
	_, err = web.PushViewContext(ctx, trigger(), resetModal())
	if err == nil || err.Error() != "push_limit_reached" {
		t.Errorf("fourth view: %v, want push_limit_reached", err)
	}
	changed := resetModal()
	changed.Title = slack.NewTextBlockObject(slack.PlainTextType, "Confirm", false, false)
	_, err = web.UpdateViewContext(ctx, changed, "", "stale-hash", root.ID)
	if err == nil || err.Error() != "hash_conflict" {
		t.Errorf("update with a stale hash: %v, want hash_conflict", err)
	}
	updated, err := web.UpdateViewContext(ctx, changed, "", root.Hash, root.ID)
	must(t, err, "views.update")
	if updated.ID != root.ID || updated.Hash == root.Hash {
		t.Errorf("updated view = %+v", updated.View)
	}
	views := srv.Views(alice)
	if len(views) != 3 || views[0].Title != "Confirm" || views[0].ID != root.ID {
		t.Errorf("open views = %+v", views)
	}
	if _, err := web.UpdateViewContext(ctx, changed, "", "", "V0NOPE"); err == nil || err.Error() != "not_found" {
		t.Errorf("update of an unknown view: %v", err)
	}
	bad := resetModal()
	bad.Submit = nil
	if _, err := web.OpenViewContext(ctx, trigger(), bad); err == nil || !strings.HasPrefix(err.Error(), "invalid_arguments") {
		t.Errorf("inputs without a submit button: %v", err)
	}
	long := resetModal()
	long.Title = slack.NewTextBlockObject(slack.PlainTextType, strings.Repeat("t", 25), false, false)
	if _, err := web.OpenViewContext(ctx, trigger(), long); err == nil || !strings.HasPrefix(err.Error(), "invalid_arguments") {
		t.Errorf("title over 24 characters: %v", err)
	}
}

func TestResponseURL(t *testing.T) {
	srv := newServer(t)
	c, _ := dialRaw(t, srv)
	go func() { _, _ = srv.SlashCommand(testCtx(t), alice, support, "/cognito", "status u-1") }()
	env := c.next(t)
	c.ack(t, env.EnvelopeID, nil)
	var p struct {
		ResponseURL string `json:"response_url"`
	}
	must(t, json.Unmarshal(env.Payload, &p), "payload")
	web := api(srv)
	ctx := testCtx(t)
	_, _, err := web.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(p.ResponseURL, slack.ResponseTypeEphemeral),
		slack.MsgOptionText("u-1 is CONFIRMED", false))
	must(t, err, "ephemeral reply")
	_, _, err = web.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(p.ResponseURL, slack.ResponseTypeInChannel),
		slack.MsgOptionText("alice looked up u-1", false))
	must(t, err, "in-channel reply")
	if e := srv.Ephemerals(alice); len(e) != 1 || e[0].Text != "u-1 is CONFIRMED" || e[0].Via != "response_url" {
		t.Errorf("ephemerals = %+v", e)
	}
	if m := srv.Messages(support); len(m) != 1 || m[0].Text != "alice looked up u-1" {
		t.Errorf("channel = %+v", m)
	}
	for range slacktest.ResponseURLUses - 2 {
		_, _, err = web.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(p.ResponseURL, ""), slack.MsgOptionText("again", false))
		must(t, err, "reply within the limit")
	}
	_, _, err = web.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(p.ResponseURL, ""), slack.MsgOptionText("one too many", false))
	var sce slack.StatusCodeError
	if !errors.As(err, &sce) || sce.Code != http.StatusNotFound {
		t.Errorf("sixth post: %v, want HTTP 404", err)
	}
	n, err := srv.ResponseURLPosts(p.ResponseURL)
	must(t, err, "ResponseURLPosts")
	if n != slacktest.ResponseURLUses {
		t.Errorf("%d posts counted, want %d", n, slacktest.ResponseURLUses)
	}
}

func TestResponseURLReplacesAndDeletesTheOriginal(t *testing.T) {
	srv := newServer(t)
	bot := startGoBot(t, srv)
	ts := postCard(t, srv, support)
	_, err := srv.Click(testCtx(t), bob, support, ts, "approve")
	must(t, err, "click")
	next(t, bot.seen)
	env := srv.Envelopes()[0]
	var p struct {
		ResponseURL string `json:"response_url"`
	}
	must(t, json.Unmarshal(env.Payload, &p), "payload")
	web := api(srv)
	_, _, err = web.PostMessageContext(testCtx(t), "", slack.MsgOptionReplaceOriginal(p.ResponseURL), slack.MsgOptionText("Approved by bob", false))
	must(t, err, "replace_original")
	if m, _ := srv.Message(support, ts); m.Text != "Approved by bob" || m.Blocks != nil || !m.Edited {
		t.Errorf("replaced message = %+v", m)
	}
	_, _, err = web.PostMessageContext(testCtx(t), "", slack.MsgOptionDeleteOriginal(p.ResponseURL))
	must(t, err, "delete_original")
	if _, ok := srv.Message(support, ts); ok {
		t.Error("message still there after delete_original")
	}
}

func TestFailNextAndLatency(t *testing.T) {
	srv := newServer(t)
	web := api(srv)
	srv.FailNext("chat.postMessage", "fatal_error")
	srv.FailNext("chat.postMessage", "ratelimited")
	for _, want := range []string{"fatal_error", "ratelimited"} {
		if _, _, err := web.PostMessageContext(testCtx(t), support, slack.MsgOptionText("x", false)); err == nil || err.Error() != want {
			t.Errorf("error = %v, want %s", err, want)
		}
	}
	_, _, err := web.PostMessageContext(testCtx(t), support, slack.MsgOptionText("x", false))
	must(t, err, "call after the failures")
	srv.Latency("users.info", time.Hour)
	ctx, cancel := context.WithTimeout(testCtx(t), 50*time.Millisecond)
	defer cancel()
	if _, err := web.GetUserInfoContext(ctx, alice); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow users.info: %v, want the client's deadline", err)
	}
	srv.Latency("users.info", 0)
	_, err = web.GetUserInfoContext(testCtx(t), alice)
	must(t, err, "users.info without latency")
}

func TestRateLimits(t *testing.T) {
	clock := slacktest.NewFakeClock(epoch)
	srv := newServer(t, slacktest.WithClock(clock))
	web := api(srv)
	ctx := testCtx(t)
	for i := range 25 {
		_, err := web.GetUserGroupsContext(ctx)
		must(t, err, "usergroups.list %d with rate limits off", i)
	}
	srv.SetRateLimits(true)
	for i := range 20 {
		_, err := web.GetUserGroupsContext(ctx)
		must(t, err, "tier 2 call %d", i)
	}
	clock.Advance(15 * time.Second)
	_, err := web.GetUserGroupsContext(ctx)
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 45*time.Second {
		t.Fatalf("21st call: %v, want a rate limit with Retry-After 45s", err)
	}
	_, err = web.GetUserInfoContext(ctx, alice)
	must(t, err, "a tier 4 method keeps its own window")
	clock.Advance(45 * time.Second)
	_, err = web.GetUserGroupsContext(ctx)
	must(t, err, "call in the next window")

	srv.SetRateLimit("chat.postMessage", slacktest.Limit{Calls: 1, Window: time.Second})
	_, _, err = web.PostMessageContext(ctx, support, slack.MsgOptionText("one", false))
	must(t, err, "first post")
	_, _, err = web.PostMessageContext(ctx, alice, slack.MsgOptionText("other channel", false))
	must(t, err, "post to another channel")
	_, _, err = web.PostMessageContext(ctx, support, slack.MsgOptionText("two", false))
	if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Errorf("second post in the same second: %v, want Retry-After 1s", err)
	}
	status, body := rawCall(t, srv, "chat.postMessage", "application/x-www-form-urlencoded",
		"channel="+support+"&text=x&token="+url.QueryEscape(srv.BotToken()), nil)
	if status != http.StatusTooManyRequests || body["error"] != "ratelimited" {
		t.Errorf("raw answer = %d %v", status, body)
	}
	srv.SetRateLimits(false)
	_, _, err = web.PostMessageContext(ctx, support, slack.MsgOptionText("three", false))
	must(t, err, "post with rate limits off")
}

// TestRateLimitNextAndEarlyCalls: one 429 on demand, the count of 429s, and the calls that
// came before their Retry-After ran out.
func TestRateLimitNextAndEarlyCalls(t *testing.T) {
	clock := slacktest.NewFakeClock(epoch)
	srv := newServer(t, slacktest.WithClock(clock))
	web := api(srv)
	ctx := testCtx(t)
	srv.RateLimitNext("chat.postEphemeral", 1500*time.Millisecond)
	_, err := web.PostEphemeralContext(ctx, support, alice, slack.MsgOptionText("one", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
		t.Fatalf("first ephemeral: %v, want a rate limit with Retry-After 2s (whole seconds, rounded up)", err)
	}
	clock.Advance(time.Second)
	_, err = web.PostEphemeralContext(ctx, support, alice, slack.MsgOptionText("too soon", false))
	must(t, err, "a call after RateLimitNext's one 429")
	clock.Advance(time.Second)
	_, err = web.PostEphemeralContext(ctx, support, alice, slack.MsgOptionText("in time", false))
	must(t, err, "a call after Retry-After")
	got := map[string]int{"refused": srv.RateLimited("chat.postEphemeral"), "early": srv.EarlyCalls("chat.postEphemeral"),
		"other early": srv.EarlyCalls("chat.postMessage")}
	if diff := cmp.Diff(got, map[string]int{"refused": 1, "early": 1, "other early": 0}); diff != "" {
		t.Errorf("counts (-got +want):\n%s", diff)
	}
}

func TestRecordHoldsEverythingTheAppSent(t *testing.T) {
	srv := newServer(t)
	bot := startGoBot(t, srv)
	web := api(srv)
	const password = `P@ss&<w0rd>"%`
	_, err := web.PostEphemeralContext(testCtx(t), support, alice, slack.MsgOptionBlocks(
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "Temporary password: "+password, false, false), nil, nil)))
	must(t, err, "ephemeral")
	_, err = srv.SlashCommand(testCtx(t), alice, support, "/cognito", "ack carries "+password)
	must(t, err, "slash command")
	next(t, bot.seen)
	all := srv.AllText()
	// The command's text reached the app as Slack sends it, escaped, and the ack echoed it so.
	const escaped = `P@ss&amp;&lt;w0rd&gt;"%`
	if !strings.Contains(all, password) || !strings.Contains(all, "ack carries "+escaped) {
		t.Errorf("AllText lacks the password from the ephemeral or the ack:\n%s", all)
	}
	if strings.Contains(all, srv.BotToken()) || strings.Contains(all, srv.AppToken()) {
		t.Error("AllText holds a token")
	}
	kinds := map[string]bool{}
	for _, r := range srv.Record() {
		kinds[r.Kind] = true
	}
	for _, k := range []string{"apps.connections.open", "chat.postEphemeral", "ack"} {
		if !kinds[k] {
			t.Errorf("record has no %s", k)
		}
	}
}

// TestWithoutRecordKeepsNoBodies: a server started WithoutRecord answers as any other, and
// keeps none of the bodies it received.
func TestWithoutRecordKeepsNoBodies(t *testing.T) {
	for _, keep := range []bool{true, false} {
		var opts []slacktest.Option
		if !keep {
			opts = append(opts, slacktest.WithoutRecord())
		}
		srv := newServer(t, opts...)
		_, _, err := api(srv).PostMessageContext(testCtx(t), support, slack.MsgOptionText("hello", false))
		must(t, err, "posting")
		if n := len(srv.Messages(support)); n != 1 {
			t.Errorf("keep=%v: %d messages, want the one posted", keep, n)
		}
		if n := len(srv.Record()); (n > 0) != keep {
			t.Errorf("keep=%v: %d bodies recorded", keep, n)
		}
		if n := srv.Received(); n == 0 || keep && n != len(srv.Record()) {
			t.Errorf("keep=%v: Received() = %d with %d bodies recorded", keep, n, len(srv.Record()))
		}
		if all := srv.AllText(); strings.Contains(all, "hello") != keep {
			t.Errorf("keep=%v: AllText = %q", keep, all)
		}
	}
}
