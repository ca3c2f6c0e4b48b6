package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Reasons Slack gives in a disconnect message.
const (
	DisconnectWarning           = "warning"           // the connection will be refreshed soon
	DisconnectRefreshRequested  = "refresh_requested" // reconnect now; the server closes this connection
	DisconnectLinkDisabled      = "link_disabled"     // Socket Mode was turned off for the app
	DisconnectTooManyWebsockets = "too_many_websockets"
)

// writeTimeout bounds every write to a connection.
const writeTimeout = 10 * time.Second

// ConnInfo describes an open Socket Mode connection.
type ConnInfo struct {
	ID       string    `json:"id"`
	OpenedAt time.Time `json:"opened_at"`
	// Draining is set once the connection was told to go away; it gets no more envelopes.
	Draining      bool  `json:"draining"`
	PingsSent     int64 `json:"pings_sent"`     // server pings sent
	PongsReceived int64 `json:"pongs_received"` // pongs the client returned
	ClientPings   int64 `json:"client_pings"`   // pings the client sent (each answered with a pong)
}

// wsConn is one Socket Mode connection.
type wsConn struct {
	id       string
	ws       *websocket.Conn
	openedAt time.Time
	wmu      sync.Mutex // serializes data frames
	once     sync.Once
	gone     chan struct{} // closed when the connection is closed
	ready    bool          // takes envelopes; guarded by Server.mu
	draining bool          // guarded by Server.mu
	drain    *time.Timer   // guarded by Server.mu

	pingsSent, pongs, clientPings atomic.Int64
}

func (c *wsConn) writeJSON(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.writeJSONLocked(v)
}

// writeJSONLocked writes a data frame; c.wmu held.
func (c *wsConn) writeJSONLocked(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding frame: %w", err)
	}
	if err := c.ws.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return fmt.Errorf("connection %s: %w", c.id, err)
	}
	if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
		return fmt.Errorf("connection %s: %w", c.id, err)
	}
	return nil
}

// abort closes the TCP connection without a close frame.
func (c *wsConn) abort() {
	c.once.Do(func() {
		close(c.gone)
		_ = c.ws.NetConn().Close()
	})
}

// closed reports whether the connection was closed.
func (c *wsConn) closed() bool {
	select {
	case <-c.gone:
		return true
	default:
		return false
	}
}

// closeGracefully sends a close frame and closes the connection.
func (c *wsConn) closeGracefully() {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	c.abort()
}

func (c *wsConn) info(draining bool) ConnInfo {
	return ConnInfo{ID: c.id, OpenedAt: c.openedAt, Draining: draining, PingsSent: c.pingsSent.Load(),
		PongsReceived: c.pongs.Load(), ClientPings: c.clientPings.Load()}
}

// appsConnectionsOpen hands out a single-use WebSocket URL.
func (s *Server) appsConnectionsOpen(args) (map[string]any, error) {
	ticket := s.ids.ticket()
	s.mu.Lock()
	s.tickets[ticket] = false
	s.mu.Unlock()
	u := "ws" + strings.TrimPrefix(s.baseURL, "http") + "/link/?ticket=" + ticket + "&app_id=" + s.cfg.appID
	return map[string]any{"url": u}, nil
}

var upgrader = websocket.Upgrader{
	CheckOrigin:     func(*http.Request) bool { return true },
	ReadBufferSize:  32 * 1024,
	WriteBufferSize: 32 * 1024,
}

// serveLink upgrades a connection that presents an unused ticket and runs it until it closes.
func (s *Server) serveLink(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	used, known := s.tickets[ticket]
	if known && !used {
		s.tickets[ticket] = true
	}
	s.mu.Unlock()
	if !known || used {
		http.Error(w, "invalid or used ticket", http.StatusUnauthorized)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.log.Debug("slacktest: upgrade failed", "err", err)
		return
	}
	c := &wsConn{ws: ws, openedAt: s.clock.Now(), gone: make(chan struct{})}
	ws.SetPingHandler(func(data string) error {
		c.clientPings.Add(1)
		err := ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(writeTimeout))
		if err != nil && !isClosedErr(err) {
			return fmt.Errorf("answering ping: %w", err)
		}
		return nil
	})
	ws.SetPongHandler(func(string) error {
		c.pongs.Add(1)
		return nil
	})

	s.mu.Lock()
	if s.done() {
		s.mu.Unlock()
		c.closeGracefully()
		return
	}
	if len(s.conns) >= s.cfg.maxConns {
		s.mu.Unlock()
		_ = c.writeJSON(map[string]any{"type": "disconnect", "reason": DisconnectTooManyWebsockets, "debug_info": s.debugInfo(c)})
		c.closeGracefully()
		return
	}
	s.connSeq++
	s.opened++
	c.id = fmt.Sprintf("conn-%d", s.connSeq)
	s.conns[c.id] = c
	hello := map[string]any{
		"type":            "hello",
		"num_connections": len(s.conns),
		"debug_info": map[string]any{
			"host": s.host(c), "build_number": 1, "approximate_connection_time": 18060,
		},
		"connection_info": map[string]any{"app_id": s.cfg.appID},
	}
	// The connection takes envelopes from now on, but holding its write lock until the hello is
	// out keeps any envelope from preceding the hello.
	c.ready = true
	c.wmu.Lock()
	s.connsChangedLocked()
	s.mu.Unlock()
	err = c.writeJSONLocked(hello)
	c.wmu.Unlock()
	if err == nil {
		s.log.Debug("slacktest: connection opened", "conn", c.id)
		s.readLoop(c)
	}
	s.dropConn(c)
}

func (s *Server) host(c *wsConn) string { return "applink-fake-" + c.id }

func (s *Server) debugInfo(c *wsConn) map[string]any { return map[string]any{"host": s.host(c)} }

// readLoop reads acks until the connection fails.
func (s *Server) readLoop(c *wsConn) {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			s.log.Debug("slacktest: connection closed", "conn", c.id, "err", err)
			return
		}
		s.handleAck(c, data)
	}
}

// dropConn forgets a closed connection and fails what waited on it.
func (s *Server) dropConn(c *wsConn) {
	c.abort()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.conns[c.id]; !ok {
		return
	}
	delete(s.conns, c.id)
	if c.drain != nil {
		c.drain.Stop()
	}
	s.connsChangedLocked()
	s.connLostLocked(c.id)
}

// connsChangedLocked wakes everyone waiting for the set of connections to change; s.mu held.
func (s *Server) connsChangedLocked() {
	close(s.connChanged)
	s.connChanged = make(chan struct{})
	s.notifyLocked()
}

func isClosedErr(err error) bool {
	return errors.Is(err, websocket.ErrCloseSent) || errors.Is(err, net.ErrClosed)
}

// Connections returns the open connections, oldest first.
func (s *Server) Connections() []ConnInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ConnInfo, 0, len(s.conns))
	for _, c := range s.conns {
		out = append(out, c.info(c.draining))
	}
	sort.Slice(out, func(i, j int) bool { return connNum(out[i].ID) < connNum(out[j].ID) })
	return out
}

func connNum(id string) int {
	var n int
	_, _ = fmt.Sscanf(id, "conn-%d", &n)
	return n
}

// ConnectionsOpened returns how many connections have been accepted since the server started.
func (s *Server) ConnectionsOpened() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opened
}

// WaitConnections waits until at least n connections that take envelopes are open.
func (s *Server) WaitConnections(ctx context.Context, n int) error {
	return s.waitConns(ctx, fmt.Sprintf("%d connections", n), func(_, live int) (bool, int) { return live >= n, live })
}

// WaitConnectionsOpened waits until at least n connections have been accepted since the start
// and one is open to take envelopes: after a disconnect, it sees the client back.
func (s *Server) WaitConnectionsOpened(ctx context.Context, n int) error {
	return s.waitConns(ctx, fmt.Sprintf("connection number %d", n), func(opened, live int) (bool, int) {
		return opened >= n && live > 0, opened
	})
}

// waitConns waits until done holds of the connections accepted since the start (opened) and
// those open to take envelopes (live). done also says what the error names as had so far.
func (s *Server) waitConns(ctx context.Context, what string, done func(opened, live int) (ok bool, have int)) error {
	for {
		s.mu.Lock()
		opened, live := s.opened, len(s.liveConnsLocked())
		changed := s.connChanged
		s.mu.Unlock()
		ok, have := done(opened, live)
		if ok {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s (have %d): %w", what, have, ctx.Err())
		case <-s.closed:
			return ErrServerClosed
		}
	}
}

// connsLocked returns every connection, in no order; s.mu held.
func (s *Server) connsLocked() []*wsConn { return slices.Collect(maps.Values(s.conns)) }

// liveConnsLocked returns the connections that take envelopes, oldest first; s.mu held.
func (s *Server) liveConnsLocked() []*wsConn {
	out := make([]*wsConn, 0, len(s.conns))
	for _, c := range s.conns {
		if c.ready && !c.draining && !c.closed() {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return connNum(out[i].id) < connNum(out[j].id) })
	return out
}

// Disconnect sends a disconnect message with the reason to every open connection. For
// "warning" the connections stay as they are; for any other reason they take no more envelopes
// and the server closes them once the grace period (WithDisconnectGrace) has passed, unless the
// client closes them first.
func (s *Server) Disconnect(reason string) {
	s.mu.Lock()
	conns := s.liveConnsLocked()
	s.mu.Unlock()
	for _, c := range conns {
		_ = s.disconnect(c, reason)
	}
}

// DisconnectConn sends a disconnect message to one connection, as Disconnect does.
func (s *Server) DisconnectConn(id, reason string) error {
	s.mu.Lock()
	c, ok := s.conns[id]
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("connection %s: %w", id, ErrNoConnection)
	}
	return s.disconnect(c, reason)
}

func (s *Server) disconnect(c *wsConn, reason string) error {
	if reason != DisconnectWarning {
		s.mu.Lock()
		if !c.draining {
			c.draining = true
			c.drain = time.AfterFunc(s.cfg.disconnectGrace, c.closeGracefully)
			s.connsChangedLocked()
		}
		s.mu.Unlock()
	}
	return c.writeJSON(map[string]any{"type": "disconnect", "reason": reason, "debug_info": s.debugInfo(c)})
}

// DropConnections closes every connection's TCP stream at once, with no close frame, as a
// network failure would.
func (s *Server) DropConnections() {
	s.mu.Lock()
	conns := s.connsLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.abort()
	}
}

// SetPingInterval changes how often the server pings each connection; 0 stops the pings.
func (s *Server) SetPingInterval(d time.Duration) {
	select {
	case s.pingCfg <- d:
	case <-s.closed:
	}
}

// pinger pings every connection on the configured interval until the server closes.
func (s *Server) pinger() {
	var ticker *time.Ticker
	var tick <-chan time.Time
	set := func(d time.Duration) {
		if ticker != nil {
			ticker.Stop()
			ticker, tick = nil, nil
		}
		if d > 0 {
			ticker = time.NewTicker(d)
			tick = ticker.C
		}
	}
	set(s.cfg.pingInterval)
	defer set(0)
	var n int
	for {
		select {
		case <-s.closed:
			return
		case d := <-s.pingCfg:
			set(d)
		case <-tick:
			n++
			s.mu.Lock()
			conns := s.connsLocked()
			s.mu.Unlock()
			for _, c := range conns {
				// Counted before the write: the client's pong may be read before WriteControl
				// returns, and a pong is never counted ahead of its ping.
				c.pingsSent.Add(1)
				if err := c.ws.WriteControl(websocket.PingMessage, fmt.Appendf(nil, "ping-%d", n), time.Now().Add(writeTimeout)); err != nil {
					c.pingsSent.Add(-1)
				}
			}
		}
	}
}
