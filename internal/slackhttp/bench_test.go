package slackhttp

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"

	"github.com/slack-go/slack"
)

// cardCall is a card's chat.postMessage as slack-go sends it (form) and as Slack answers it
// (the message echoed), from the bot's golden pending card.
func cardCall(b *testing.B) (card struct {
	Text   string       `json:"text"`
	Blocks slack.Blocks `json:"blocks"`
}, form, answer []byte) {
	b.Helper()
	raw, err := os.ReadFile("../../bot/testdata/card_pending.golden.json")
	if err != nil {
		b.Fatal(err)
	}
	if err := json.Unmarshal(raw, &card); err != nil {
		b.Fatal(err)
	}
	blocks, err := json.Marshal(card.Blocks.BlockSet)
	if err != nil {
		b.Fatal(err)
	}
	form = []byte(url.Values{"token": {"xoxb-1-2-3"}, "channel": {"C0SUPPORT"}, "text": {card.Text}, "blocks": {string(blocks)}}.Encode())
	answer, err = json.Marshal(map[string]any{"ok": true, "channel": "C0SUPPORT", "ts": "1700000000.000100",
		"message": map[string]any{"type": "message", "user": "U0BOT", "text": card.Text, "ts": "1700000000.000100", "blocks": json.RawMessage(blocks)}})
	if err != nil {
		b.Fatal(err)
	}
	return card, form, answer
}

// BenchmarkChannelOf: reading the channel of a card's post, the key of its turn.
func BenchmarkChannelOf(b *testing.B) {
	_, form, _ := cardCall(b)
	req, err := http.NewRequest(http.MethodPost, "http://slack/api/chat.postMessage", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	b.ReportAllocs()
	for b.Loop() {
		if channelOf(req, form) != "C0SUPPORT" {
			b.Fatal("no channel")
		}
	}
}

// BenchmarkDropEcho: taking the echoed card out of Slack's answer to its post, the answer
// read into a pooled buffer that closing the body gives back.
func BenchmarkDropEcho(b *testing.B) {
	_, _, answer := cardCall(b)
	buf := make([]byte, len(answer))
	b.ReportAllocs()
	b.SetBytes(int64(len(answer)))
	for b.Loop() {
		copy(buf, answer)
		resp := &http.Response{Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(buf)), ContentLength: int64(len(buf))}
		if err := dropEcho(resp); err != nil {
			b.Fatal(err)
		}
		_ = resp.Body.Close() // as the client does once it has read the answer
	}
}

// BenchmarkPostCard: posting a card with slack-go through the Transport, to a server that
// answers as Slack does (the message echoed): the client's whole cost of a post.
func BenchmarkPostCard(b *testing.B) {
	card, _, answer := cardCall(b)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	}))
	b.Cleanup(srv.Close)
	tr, err := New(Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	client := slack.New("xoxb-1-2-3", slack.OptionAPIURL(srv.URL+"/api/"), slack.OptionHTTPClient(&http.Client{Transport: tr}))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := client.PostMessageContext(b.Context(), "C0SUPPORT", slack.MsgOptionText(card.Text, false), slack.MsgOptionBlocks(card.Blocks.BlockSet...)); err != nil {
			b.Fatal(err)
		}
	}
}
