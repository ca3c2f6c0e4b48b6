package slackhttp_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/internal/slackhttp"
)

// TestEchoedMessageDropped: the answers of chat.postMessage and chat.update reach the client
// without the message they echo, every other field as Slack sent it; other methods' answers
// pass through untouched.
func TestEchoedMessageDropped(t *testing.T) {
	const answer = `{"ok":true,"channel":"C0SUPPORT","ts":"1.000200","warning":"missing_charset",` +
		`"response_metadata":{"warnings":["missing_charset"]},"message":{"text":"card","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"hi"}}]}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	tr, err := slackhttp.New(slackhttp.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: tr}
	var want map[string]any
	if err := json.Unmarshal([]byte(answer), &want); err != nil {
		t.Fatal(err)
	}
	withoutMessage := map[string]any{}
	for k, v := range want {
		if k != "message" {
			withoutMessage[k] = v
		}
	}
	for _, tc := range []struct {
		method string
		want   map[string]any
	}{
		{"chat.postMessage", withoutMessage},
		{"chat.update", withoutMessage},
		{"conversations.history", want},
	} {
		t.Run(tc.method, func(t *testing.T) {
			resp, err := client.Post(srv.URL+"/api/"+tc.method, "application/x-www-form-urlencoded", strings.NewReader("channel=C0SUPPORT"))
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = resp.Body.Close() }()
			var got map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestPostAndUpdateWithoutTheEcho: slack-go still reads the channel and ts of a post and an
// update through the Transport, on the fake Slack.
func TestPostAndUpdateWithoutTheEcho(t *testing.T) {
	f := newFixture(t, slackhttp.Config{})
	ch, ts, err := f.client.PostMessageContext(t.Context(), support, slack.MsgOptionText("card", false))
	if err != nil {
		t.Fatal(err)
	}
	uch, uts, _, err := f.client.UpdateMessageContext(t.Context(), ch, ts, slack.MsgOptionText("card, approved", false))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{support, true, support, ts}, []any{ch, ts != "", uch, uts}); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestEchoesReadAtOnceKeepTheirOwnAnswers: answers read into pooled buffers at the same time,
// each buffer given back as its body is closed and taken again by the next, are each read
// whole and as their own.
func TestEchoesReadAtOnceKeepTheirOwnAnswers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := r.FormValue("text")
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true,"channel":"C0SUPPORT","ts":"`+n+`","message":{"text":"`+strings.Repeat(n, 200)+`"}}`)
	}))
	t.Cleanup(srv.Close)
	tr, err := slackhttp.New(slackhttp.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: tr}
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			for j := range 20 {
				n := strconv.Itoa(i*100 + j)
				resp, err := client.Post(srv.URL+"/api/chat.postMessage", "application/x-www-form-urlencoded", strings.NewReader("channel=C0SUPPORT&text="+n))
				if err != nil {
					t.Error(err)
					return
				}
				var got struct {
					TS      string          `json:"ts"`
					Message json.RawMessage `json:"message"`
				}
				err = json.NewDecoder(resp.Body).Decode(&got)
				_ = resp.Body.Close()
				if err != nil || got.TS != n || got.Message != nil {
					t.Errorf("answer to post %s: %+v, %v; want its own ts and no message", n, got, err)
				}
			}
		})
	}
	wg.Wait()
}
