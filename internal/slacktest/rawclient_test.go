package slacktest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/resetbot/resetbot/internal/slacktest"
)

// frame is a Socket Mode frame from the server.
type frame struct {
	Type                   string          `json:"type"`
	EnvelopeID             string          `json:"envelope_id"`
	Payload                json.RawMessage `json:"payload"`
	AcceptsResponsePayload bool            `json:"accepts_response_payload"`
	RetryAttempt           *int            `json:"retry_attempt"`
	RetryReason            *string         `json:"retry_reason"`
	Reason                 string          `json:"reason"`
	NumConnections         int             `json:"num_connections"`
	DebugInfo              struct {
		Host                      string `json:"host"`
		ApproximateConnectionTime int    `json:"approximate_connection_time"`
	} `json:"debug_info"`
	ConnectionInfo struct {
		AppID string `json:"app_id"`
	} `json:"connection_info"`
}

// rawConn is a bare WebSocket client: it shows the protocol exactly as the server speaks it.
type rawConn struct {
	ws     *websocket.Conn
	frames chan frame
	pings  chan string
	pongs  chan string
	closed chan struct{}
	err    error // the read error, once closed
	wmu    sync.Mutex
}

// dialRaw opens a Socket Mode connection with apps.connections.open and reads its first frame.
func dialRaw(t *testing.T, srv *slacktest.Server) (*rawConn, frame) {
	t.Helper()
	_, url, err := api(srv).StartSocketModeContext(testCtx(t))
	must(t, err, "apps.connections.open")
	ws, resp, err := websocket.DefaultDialer.DialContext(testCtx(t), url, http.Header{"Origin": {"https://api.slack.com"}})
	must(t, err, "dialing %s", url)
	_ = resp.Body.Close()
	c := &rawConn{ws: ws, frames: make(chan frame, 100), pings: make(chan string, 100), pongs: make(chan string, 100),
		closed: make(chan struct{})}
	ws.SetPingHandler(func(data string) error {
		err := ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
		select {
		case c.pings <- data:
		default:
		}
		return err
	})
	ws.SetPongHandler(func(data string) error {
		c.pongs <- data
		return nil
	})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(c.closed)
		for {
			var f frame
			if err := ws.ReadJSON(&f); err != nil {
				c.err = err
				return
			}
			c.frames <- f
		}
	})
	t.Cleanup(func() {
		_ = ws.Close()
		wg.Wait()
	})
	return c, c.next(t)
}

// next waits for the next frame.
func (c *rawConn) next(t *testing.T) frame {
	t.Helper()
	select {
	case f := <-c.frames:
		return f
	case <-c.closed:
		select {
		case f := <-c.frames: // read before the close
			return f
		default:
		}
		t.Fatalf("connection closed: %v", c.err)
	case <-time.After(20 * time.Second):
		t.Fatal("no frame from the server")
	}
	return frame{}
}

// send writes a frame to the server.
func (c *rawConn) send(t *testing.T, v any) {
	t.Helper()
	c.wmu.Lock()
	defer c.wmu.Unlock()
	must(t, c.ws.WriteJSON(v), "writing a frame")
}

// ack acknowledges an envelope, with a payload unless it is nil.
func (c *rawConn) ack(t *testing.T, envelopeID string, payload any) {
	t.Helper()
	msg := map[string]any{"envelope_id": envelopeID}
	if payload != nil {
		msg["payload"] = payload
	}
	c.send(t, msg)
}

// sync returns once the server has read every frame sent before it: it pings and waits for the
// pong, which the server's read loop sends only after handling what came earlier.
func (c *rawConn) sync(t *testing.T) {
	t.Helper()
	data := fmt.Sprintf("sync-%d", time.Now().UnixNano())
	c.wmu.Lock()
	err := c.ws.WriteControl(websocket.PingMessage, []byte(data), time.Now().Add(time.Second))
	c.wmu.Unlock()
	must(t, err, "ping")
	for {
		select {
		case p := <-c.pongs:
			if p == data {
				return
			}
		case <-time.After(20 * time.Second):
			t.Fatal("no pong from the server")
		}
	}
}

// waitClosed waits for the server to close the connection.
func (c *rawConn) waitClosed(t *testing.T) error {
	t.Helper()
	select {
	case <-c.closed:
		return c.err
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not close the connection")
		return nil
	}
}

// result is what a helper running in the background returned.
type result struct {
	ack slacktest.Ack
	err error
}

// background runs a person helper in a goroutine and hands back its result. The helper ends
// by itself: its context or the server's Close stops it.
func background(t *testing.T, f func() (slacktest.Ack, error)) <-chan result {
	t.Helper()
	ch := make(chan result, 1)
	go func() {
		a, err := f()
		ch <- result{a, err}
	}()
	return ch
}

// wait waits for a background helper's result.
func wait(t *testing.T, ch <-chan result) result {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(20 * time.Second):
		t.Fatal("the helper did not return")
		return result{}
	}
}
