package bot

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
)

// The connection's behaviour with frames the fake Slack never sends: a small Socket Mode
// server of the test's own (apps.connections.open and the WebSocket) writes what the test
// tells it and hands over what the bot writes back.

// rawSlack is a Socket Mode server the test drives frame by frame.
type rawSlack struct {
	t     *testing.T
	srv   *httptest.Server
	conns chan *rawConn // each connection the bot opens
	// refuse is how many of the next apps.connections.open calls fail.
	refuse atomic.Int32
}

// rawConn is the server's side of one connection.
type rawConn struct {
	ws     *websocket.Conn
	wmu    sync.Mutex
	frames chan []byte   // what the bot wrote
	pongs  chan string   // the pongs the bot answered pings with
	gone   chan struct{} // closed once the bot's side is closed
}

func newRawSlack(t *testing.T) *rawSlack {
	t.Helper()
	s := &rawSlack{t: t, conns: make(chan *rawConn, 10)}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }} // the bot says it comes from Slack
	mux := http.NewServeMux()
	mux.HandleFunc("/api/apps.connections.open", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if n := s.refuse.Load(); n > 0 && s.refuse.CompareAndSwap(n, n-1) {
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "internal_error"})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/link"})
	})
	mux.HandleFunc("/link", func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		c := &rawConn{ws: ws, frames: make(chan []byte, 100), pongs: make(chan string, 10), gone: make(chan struct{})}
		ws.SetPongHandler(func(data string) error {
			c.pongs <- data
			return nil
		})
		s.conns <- c
		go func() {
			defer close(c.gone)
			for {
				_, frame, err := ws.ReadMessage()
				if err != nil {
					return
				}
				c.frames <- frame
			}
		}()
	})
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

// runBot runs a bot on the server until the test ends, and returns its first connection,
// greeted with a hello.
func (s *rawSlack) runBot(cfg Config) (*Bot, *rawConn) {
	s.t.Helper()
	client := slack.New("xoxb-test", slack.OptionAPIURL(s.srv.URL+"/api/"), slack.OptionAppLevelToken("xapp-test"))
	n, err := NewNotifier(NotifierConfig{Client: client, Logger: cfg.Logger})
	if err != nil {
		s.t.Fatal(err)
	}
	cfg.Notifier, cfg.Workflow, cfg.Policy, cfg.Claims = n, &approval.Service{}, stubPolicy{}, newMemClaims()
	cfg.TeamID, cfg.AppID = "T1", "A1"
	b, err := New(cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	s.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			s.t.Errorf("Run: %v", err)
		}
	})
	c := s.next()
	c.write(`{"type":"hello","connection_info":{"app_id":"A1"}}`)
	return b, c
}

// next waits for the bot to open a connection.
func (s *rawSlack) next() *rawConn {
	s.t.Helper()
	select {
	case c := <-s.conns:
		s.t.Cleanup(func() { _ = c.ws.Close() })
		return c
	case <-time.After(30 * time.Second):
		s.t.Fatal("the bot opened no connection")
		return nil
	}
}

func (c *rawConn) write(frame string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.WriteMessage(websocket.TextMessage, []byte(frame))
}

// ack waits for the next frame the bot writes, an ack.
func (c *rawConn) ack(t *testing.T) ackFrame {
	t.Helper()
	select {
	case frame := <-c.frames:
		var a ackFrame
		if err := json.Unmarshal(frame, &a); err != nil {
			t.Fatalf("the bot wrote %q: %v", frame, err)
		}
		return a
	case <-time.After(30 * time.Second):
		t.Fatal("no ack")
		return ackFrame{}
	}
}

// TestHostileFramesAreSurvived: a frame that is not a Socket Mode message is skipped, one that
// names an envelope_id is acknowledged empty and dropped, whatever its payload, and the
// connection goes on.
func TestHostileFramesAreSurvived(t *testing.T) {
	s := newRawSlack(t)
	acks := &ackLog{}
	b, c := s.runBot(Config{Logger: slog.New(slog.DiscardHandler), ObserveAck: acks.observe})
	for _, frame := range []string{
		`not JSON at all`,
		`{"type":"slash_commands","payload":{"command":"/cognito"}}`, // no envelope_id: nothing to ack
		`{"envelope_id":"e1","type":7}`,
		`{"envelope_id":"e2","type":"something_new","payload":{}}`,
		`{"envelope_id":"e3","type":"slash_commands","accepts_response_payload":true,"payload":"a string"}`,
		`{"envelope_id":"e4","type":"interactive","payload":[1,2,3]}`,
		`{"envelope_id":"e5","type":"interactive","accepts_response_payload":true,"payload":{"type":"view_submission","view":"no"}}`,
		`{"envelope_id":"e6","type":"events_api","payload":{"type":"event_callback","event":5}}`,
		`{"envelope_id":"e7","type":"interactive","payload":{"type":"block_actions","team":{"id":"T1"},"api_app_id":"A1","actions":[{"action_id":"no-such-button"}]}}`,
		`{"envelope_id":"e8","type":"slash_commands","accepts_response_payload":true,"payload":{"team_id":"T1","api_app_id":"A1","command":"/other"}}`,
	} {
		c.write(frame)
	}
	got := map[string]string{}
	for range 8 {
		a := c.ack(t)
		payload, _ := json.Marshal(a.Payload)
		got[a.EnvelopeID] = string(payload)
	}
	want := map[string]string{"e1": "null", "e2": "null", "e3": "null", "e4": "null", "e5": "null", "e6": "null", "e7": "null"}
	answer := got["e8"]
	delete(got, "e8")
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("acks (-got +want):\n%s", diff)
	}
	if !strings.Contains(answer, "This bot answers") {
		t.Errorf("the command the bot is not configured for was acknowledged with %s", answer)
	}
	select {
	case <-c.gone:
		t.Error("the connection closed")
	default:
	}
	if len(s.conns) != 0 {
		t.Error("the bot opened another connection")
	}
	b.work.Wait()
	if n := acks.count(kindDropped); n != 6 {
		t.Errorf("ObserveAck saw %d dropped envelopes, want 6 (e1 to e6)", n)
	}
}

// TestConnectionOpenedAgain: the bot leaves a connection and opens another when Slack asks,
// when frames come unreadable one after another, when a frame is over the limit, and when
// Slack stops pinging it; it answers pings meanwhile.
func TestConnectionOpenedAgain(t *testing.T) {
	tests := []struct {
		name string
		do   func(c *rawConn)
		ping time.Duration // Config.PingInterval
	}{
		{"disconnect", func(c *rawConn) { c.write(`{"type":"disconnect","reason":"refresh_requested"}`) }, time.Minute},
		{"unreadable frames in a row", func(c *rawConn) {
			for range maxBadFrames {
				c.write(`{"broken`)
			}
		}, time.Minute},
		{"a frame over the limit", func(c *rawConn) { c.write(`{"type":"hello","x":"` + strings.Repeat("x", socketReadLimit) + `"}`) }, time.Minute},
		{"no ping", func(*rawConn) {}, 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newRawSlack(t)
			reconnects := make(chan struct{}, 10)
			b, c := s.runBot(Config{Logger: slog.New(slog.DiscardHandler), PingInterval: tt.ping,
				ObserveReconnect: func() { reconnects <- struct{}{} }})
			if err := c.ws.WriteControl(websocket.PingMessage, []byte("ping-1"), time.Now().Add(time.Second)); err != nil {
				t.Fatal(err)
			}
			tt.do(c)
			if pong := <-c.pongs; pong != "ping-1" {
				t.Errorf("pong %q, want ping-1", pong)
			}
			second := s.next()
			<-c.gone
			<-reconnects
			second.write(`{"type":"hello"}`)
			second.write(`{"envelope_id":"e1","type":"something_new"}`)
			if a := second.ack(t); a.EnvelopeID != "e1" {
				t.Errorf("ack of %q on the new connection, want e1", a.EnvelopeID)
			}
			if !b.Connected() {
				t.Error("not Connected on the new connection")
			}
		})
	}
}

// retryWaits is a log handler that hands over the retry_in of every line that has one: how
// long the bot waits before it tries to connect again.
type retryWaits chan time.Duration

func (w retryWaits) Enabled(context.Context, slog.Level) bool { return true }
func (w retryWaits) WithAttrs([]slog.Attr) slog.Handler       { return w }
func (w retryWaits) WithGroup(string) slog.Handler            { return w }
func (w retryWaits) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "retry_in" {
			w <- a.Value.Duration()
		}
		return true
	})
	return nil
}

// TestAttemptsThatFailShareOneGrowingWait: a failed apps.connections.open and a connection
// that ends before Slack's hello are failed attempts alike: each waits twice as long as the
// one before, whichever way that one failed, and a hello starts the wait over.
func TestAttemptsThatFailShareOneGrowingWait(t *testing.T) {
	s := newRawSlack(t)
	waits := make(retryWaits, 10)
	b, c := s.runBot(Config{Logger: slog.New(waits)})
	connected := func() {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !b.Connected() {
			if time.Now().After(deadline) {
				t.Fatal("the bot did not take the hello")
			}
			time.Sleep(time.Millisecond)
		}
	}
	wantWait := func(what string, least time.Duration) {
		t.Helper()
		select {
		case got := <-waits:
			if got < least || got > least+least/10 {
				t.Errorf("after %s the bot waits %v, want %v (and up to a tenth more)", what, got, least)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("after %s the bot said no wait", what)
		}
	}
	connected()

	s.refuse.Store(1)
	_ = c.ws.Close() // a greeted connection ends: opened again at once, and refused
	wantWait("a refused apps.connections.open", dialBackoffMin)
	s.refuse.Store(1)
	_ = s.next().ws.Close() // ends before Slack's hello
	wantWait("a connection that ended before hello", 2*dialBackoffMin)
	wantWait("a refused apps.connections.open after it", 4*dialBackoffMin)

	third := s.next()
	third.write(`{"type":"hello"}`)
	connected()
	s.refuse.Store(1)
	_ = third.ws.Close()
	wantWait("a refused apps.connections.open once greeted", dialBackoffMin)
	s.next().write(`{"type":"hello"}`)
	connected()
	if len(waits) != 0 {
		t.Errorf("the bot waited %d more times", len(waits))
	}
}
