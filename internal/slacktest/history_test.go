package slacktest_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/internal/slacktest"
)

// rawMetadata sets the metadata argument of a call to raw text, as a client with a bug might.
func rawMetadata(srv *slacktest.Server, method, s string) slack.MsgOption {
	return slack.UnsafeMsgOptionEndpoint(srv.APIURL()+method, func(v url.Values) { v.Set("metadata", s) })
}

func requestMetadata(id string) slack.SlackMetadata {
	return slack.SlackMetadata{EventType: "resetbot_request", EventPayload: map[string]any{"request_id": id}}
}

func TestPostMessageKeepsMetadata(t *testing.T) {
	srv := newServer(t)
	c := api(srv)
	ctx := testCtx(t)
	_, ts, err := c.PostMessageContext(ctx, support, slack.MsgOptionText("card", false), slack.MsgOptionMetadata(requestMetadata("r-1")))
	must(t, err, "chat.postMessage with metadata")
	m, _ := srv.Message(support, ts)
	want := &slacktest.Metadata{EventType: "resetbot_request", EventPayload: json.RawMessage(`{"request_id":"r-1"}`)}
	if diff := cmp.Diff(want, m.Metadata); diff != "" {
		t.Errorf("stored metadata (-want +got):\n%s", diff)
	}
	if strings.Contains(m.Content(), "r-1") {
		t.Errorf("metadata shows in what people read: %q", m.Content())
	}

	_, _, _, err = c.UpdateMessageContext(ctx, support, ts, slack.MsgOptionText("card, updated", false))
	must(t, err, "chat.update without metadata")
	if m, _ := srv.Message(support, ts); !cmp.Equal(want, m.Metadata) {
		t.Errorf("chat.update without metadata changed it: %+v", m.Metadata)
	}
	_, _, _, err = c.UpdateMessageContext(ctx, support, ts, slack.MsgOptionText("card", false), slack.MsgOptionMetadata(requestMetadata("r-2")))
	must(t, err, "chat.update with metadata")
	if m, _ := srv.Message(support, ts); m.Metadata == nil || string(m.Metadata.EventPayload) != `{"request_id":"r-2"}` {
		t.Errorf("chat.update with metadata left %+v", m.Metadata)
	}
}

func TestMetadataValidation(t *testing.T) {
	srv := newServer(t)
	c := api(srv)
	tests := []struct {
		name     string
		metadata string
		want     string
	}{
		{"not json", `{"event_type":`, "invalid_metadata_format"},
		{"not an object", `["resetbot_request"]`, "invalid_metadata_format"},
		{"no event_type", `{"event_payload":{"request_id":"r-1"}}`, "invalid_metadata_schema"},
		{"event_type with spaces", `{"event_type":"request posted","event_payload":{}}`, "invalid_metadata_schema"},
		{"event_type not a string", `{"event_type":7,"event_payload":{}}`, "invalid_metadata_schema"},
		{"no event_payload", `{"event_type":"resetbot_request"}`, "invalid_metadata_schema"},
		{"event_payload null", `{"event_type":"resetbot_request","event_payload":null}`, "invalid_metadata_schema"},
		{"event_payload an array", `{"event_type":"resetbot_request","event_payload":["r-1"]}`, "invalid_metadata_schema"},
		{"event_payload a string", `{"event_type":"resetbot_request","event_payload":"r-1"}`, "invalid_metadata_schema"},
		{"too large", `{"event_type":"resetbot_request","event_payload":{"x":"` + strings.Repeat("a", 9000) + `"}}`, "metadata_too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := c.PostMessageContext(testCtx(t), support, slack.MsgOptionText("card", false), rawMetadata(srv, "chat.postMessage", tt.metadata))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("chat.postMessage: error = %v, want %s", err, tt.want)
			}
		})
	}
	if n := len(srv.Messages(support)); n != 0 {
		t.Errorf("%d messages stored by refused calls", n)
	}
	ts := postCard(t, srv, support)
	_, _, _, err := c.UpdateMessageContext(testCtx(t), support, ts, slack.MsgOptionText("x", false), rawMetadata(srv, "chat.update", `{"event_type":"","event_payload":{}}`))
	if err == nil || !strings.HasPrefix(err.Error(), "invalid_metadata_schema") {
		t.Errorf("chat.update with a bad event_type: %v", err)
	}
}

// historyFixture posts n top-level messages in support one second apart, with a reply in the
// thread of the first, and returns their ts, oldest first.
func historyFixture(t *testing.T, srv *slacktest.Server, clock *slacktest.FakeClock, n int) []string {
	t.Helper()
	c := api(srv)
	var out []string
	for i := range n {
		_, ts, err := c.PostMessageContext(testCtx(t), support, slack.MsgOptionText(fmt.Sprintf("message %d", i), false),
			slack.MsgOptionMetadata(requestMetadata(fmt.Sprintf("r-%d", i))))
		must(t, err, "posting message %d", i)
		out = append(out, ts)
		clock.Advance(time.Second)
	}
	_, _, err := c.PostMessageContext(testCtx(t), support, slack.MsgOptionText("a reply", false), slack.MsgOptionTS(out[0]))
	must(t, err, "posting a reply")
	return out
}

// texts are the texts of messages, in order.
func texts(ms []slack.Message) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.Text)
	}
	return out
}

func TestConversationsHistory(t *testing.T) {
	clock := slacktest.NewFakeClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	srv := newServer(t, slacktest.WithClock(clock))
	ts := historyFixture(t, srv, clock, 5)
	c := api(srv)
	tests := []struct {
		name   string
		params slack.GetConversationHistoryParameters
		want   []string
	}{
		{"everything, newest first, without replies", slack.GetConversationHistoryParameters{},
			[]string{"message 4", "message 3", "message 2", "message 1", "message 0"}},
		{"between oldest and latest, exclusive", slack.GetConversationHistoryParameters{Oldest: ts[1], Latest: ts[3]},
			[]string{"message 2"}},
		{"between oldest and latest, inclusive", slack.GetConversationHistoryParameters{Oldest: ts[1], Latest: ts[3], Inclusive: true},
			[]string{"message 3", "message 2", "message 1"}},
		{"oldest in whole seconds", slack.GetConversationHistoryParameters{Oldest: strings.Split(ts[3], ".")[0], Inclusive: true},
			[]string{"message 4", "message 3"}},
		{"limit", slack.GetConversationHistoryParameters{Limit: 2}, []string{"message 4", "message 3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.params
			p.ChannelID = support
			got, err := c.GetConversationHistoryContext(testCtx(t), &p)
			must(t, err, "conversations.history")
			if diff := cmp.Diff(tt.want, texts(got.Messages)); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("pages with the cursor", func(t *testing.T) {
		var pages [][]string
		p := slack.GetConversationHistoryParameters{ChannelID: support, Limit: 2, Oldest: ts[0], Inclusive: true}
		for {
			got, err := c.GetConversationHistoryContext(testCtx(t), &p)
			must(t, err, "conversations.history page %d", len(pages)+1)
			pages = append(pages, texts(got.Messages))
			if got.HasMore != (got.ResponseMetaData.NextCursor != "") {
				t.Errorf("has_more %v with next_cursor %q", got.HasMore, got.ResponseMetaData.NextCursor)
			}
			if !got.HasMore {
				break
			}
			p.Cursor = got.ResponseMetaData.NextCursor
		}
		want := [][]string{{"message 4", "message 3"}, {"message 2", "message 1"}, {"message 0"}}
		if diff := cmp.Diff(want, pages); diff != "" {
			t.Errorf("pages (-want +got):\n%s", diff)
		}
	})

	t.Run("metadata only when asked", func(t *testing.T) {
		p := slack.GetConversationHistoryParameters{ChannelID: support, Limit: 1}
		got, err := c.GetConversationHistoryContext(testCtx(t), &p)
		must(t, err, "conversations.history")
		if m := got.Messages[0].Metadata; m.EventType != "" || m.EventPayload != nil {
			t.Errorf("metadata without include_all_metadata: %+v", m)
		}
		p.IncludeAllMetadata = true
		got, err = c.GetConversationHistoryContext(testCtx(t), &p)
		must(t, err, "conversations.history with include_all_metadata")
		want := slack.SlackMetadata{EventType: "resetbot_request", EventPayload: map[string]any{"request_id": "r-4"}}
		if diff := cmp.Diff(want, got.Messages[0].Metadata); diff != "" {
			t.Errorf("metadata (-want +got):\n%s", diff)
		}
		if got.Messages[0].BotID != srv.BotID() {
			t.Errorf("bot_id = %q, want %q", got.Messages[0].BotID, srv.BotID())
		}
	})
}

func TestConversationsHistoryRefusals(t *testing.T) {
	srv := newServer(t)
	srv.AddPrivateChannel("C0LEADS", "leads", alice, srv.BotUserID())
	postCard(t, srv, support)
	c := api(srv)
	tests := []struct {
		name   string
		params slack.GetConversationHistoryParameters
		revoke []string
		want   string
	}{
		{"unknown channel", slack.GetConversationHistoryParameters{ChannelID: "C0NOPE"}, nil, "channel_not_found"},
		{"public channel without the bot", slack.GetConversationHistoryParameters{ChannelID: lobby}, nil, "not_in_channel"},
		{"private channel without the bot", slack.GetConversationHistoryParameters{ChannelID: secret}, nil, "channel_not_found"},
		{"bad cursor", slack.GetConversationHistoryParameters{ChannelID: support, Cursor: "not-a-cursor"}, nil, "invalid_cursor"},
		{"bad latest", slack.GetConversationHistoryParameters{ChannelID: support, Latest: "yesterday"}, nil, "invalid_ts_latest"},
		{"bad oldest", slack.GetConversationHistoryParameters{ChannelID: support, Oldest: "1.2.3"}, nil, "invalid_ts_oldest"},
		{"public channel without channels:history", slack.GetConversationHistoryParameters{ChannelID: support}, []string{"channels:history"}, "missing_scope"},
		{"private channel without groups:history", slack.GetConversationHistoryParameters{ChannelID: "C0LEADS"}, []string{"groups:history"}, "missing_scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.RevokeScopes(tt.revoke...)
			t.Cleanup(func() { srv.GrantScopes(tt.revoke...) })
			_, err := c.GetConversationHistoryContext(testCtx(t), &tt.params)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %s", err, tt.want)
			}
		})
	}
	srv.RevokeScopes("channels:history")
	_, got := rawCall(t, srv, "conversations.history", "application/x-www-form-urlencoded",
		"channel="+support+"&token="+url.QueryEscape(srv.BotToken()), nil)
	if got["needed"] != "channels:history" || strings.Contains(fmt.Sprint(got["provided"]), "channels:history") ||
		!strings.Contains(fmt.Sprint(got["provided"]), "chat:write") {
		t.Errorf("missing_scope answer = %v, want the scope needed and the ones provided", got)
	}
	srv.GrantScopes("channels:history")
	if _, err := c.GetConversationHistoryContext(testCtx(t), &slack.GetConversationHistoryParameters{ChannelID: "C0LEADS"}); err != nil {
		t.Errorf("private channel with the bot: %v", err)
	}
}
