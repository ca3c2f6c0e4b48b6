package bot

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/internal/logctx"
	"github.com/resetbot/resetbot/internal/slackhttp"
)

// The Socket Mode connection. One goroutine reads it: for each frame it reads the outer part
// only (parseEnvelope), acknowledges at once an envelope whose ack carries nothing, and hands
// the raw payload to the work pool, where it is decoded. The acks that carry an answer (a
// modal submission's errors) are written by the work that made them; one mutex serializes
// the writes. The connection is opened again when Slack asks (disconnect), when it drops, and
// when Slack stops pinging it.

// Defaults and bounds of the connection.
const (
	// DefaultPingInterval is Config.PingInterval's default: Slack pings every few seconds.
	DefaultPingInterval = 30 * time.Second
	// socketReadLimit bounds a frame; a bigger one closes the connection. Slack's largest
	// envelopes (a submitted modal, a click on a long message) are a few hundred KiB.
	socketReadLimit = 4 << 20
	// socketWriteTimeout bounds a write (an ack, a pong).
	socketWriteTimeout = 10 * time.Second
	// socketHandshakeTimeout bounds the WebSocket handshake.
	socketHandshakeTimeout = 45 * time.Second
	// maxBadFrames unreadable frames in a row make the bot open a new connection.
	maxBadFrames = 10
	// The wait between failed attempts to connect (hold) doubles from dialBackoffMin to
	// dialBackoffMax, with up to a tenth more at random.
	dialBackoffMin = 100 * time.Millisecond
	dialBackoffMax = 5 * time.Minute
)

// errDisconnect is Slack asking for a new connection.
var errDisconnect = errors.New("asked by Slack for a new connection")

// link is one Socket Mode WebSocket connection.
type link struct {
	ws  *websocket.Conn
	wmu sync.Mutex // serializes data frames
	// closeOnce closes the connection once, from the reader or from the stop.
	closeOnce sync.Once
}

// ack acknowledges an envelope, with payload when it carries an answer.
func (l *link) ack(envelopeID string, payload any) error {
	frame, err := encodeAck(envelopeID, payload)
	if err != nil {
		return err
	}
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if err := l.ws.SetWriteDeadline(time.Now().Add(socketWriteTimeout)); err != nil {
		return fmt.Errorf("writing the ack: %w", err)
	}
	if err := l.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
		return fmt.Errorf("writing the ack: %w", err)
	}
	return nil
}

// close says goodbye and closes the connection, which ends the read in progress.
func (l *link) close() {
	l.closeOnce.Do(func() {
		_ = l.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""),
			time.Now().Add(time.Second))
		_ = l.ws.Close()
	})
}

// hold keeps a Socket Mode connection open until ctx is done, opening a new one whenever one
// ends. It returns ctx's error, or the error that keeps the bot from connecting for good (a
// refused app-level token). Envelopes wait to be answered until known is closed (the bot
// knows its workspace and app); received is told of every frame read.
//
// An attempt fails when Slack cannot be reached or the connection ends before Slack's hello (a
// connection Slack refuses at once, too_many_websockets): the next attempt waits, twice as
// long after each failure, so that Slack is not asked again and again without a pause. A
// connection Slack greeted is opened again at once, and the wait starts over.
func (b *Bot) hold(ctx context.Context, known <-chan struct{}, received chan<- struct{}) error {
	wait := dialBackoffMin
	for attempt, opened := 1, 0; ; attempt++ {
		b.log.DebugContext(ctx, "connecting to Slack", "attempt", attempt)
		pause := wait + rand.N(wait/10+1) // #nosec G404 -- spreading retries needs no secret randomness.
		l, err := b.openLink(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil && tokenRefused(err):
			b.log.ErrorContext(ctx, "Slack refused the app-level token", "err", err)
			return err
		case err != nil:
			if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok {
				pause = max(pause, rl.RetryAfter)
			}
			b.log.WarnContext(ctx, "connecting to Slack failed; retrying", "err", err, "attempt", attempt, "retry_in", pause)
		default:
			if opened++; opened > 1 && b.cfg.ObserveReconnect != nil {
				b.cfg.ObserveReconnect()
			}
			err = b.read(ctx, l, known, received)
			greeted := b.connected.Swap(false)
			l.close()
			switch {
			case ctx.Err() != nil:
				return ctx.Err()
			case !greeted:
				b.log.WarnContext(ctx, "the Slack connection ended before Slack's hello; retrying", "err", err, "attempt", attempt, "retry_in", pause)
			case errors.Is(err, errDisconnect):
				b.log.DebugContext(ctx, "opening a new Slack connection, as Slack asked")
			default:
				b.log.WarnContext(ctx, "the Slack connection failed; opening a new one", "err", err)
			}
			if greeted {
				wait, attempt = dialBackoffMin, 0
				continue
			}
		}
		if err := slackhttp.Sleep(ctx, pause); err != nil {
			return err
		}
		wait = min(2*wait, dialBackoffMax)
	}
}

// tokenRefused reports whether apps.connections.open refused the app-level token, which no
// retry changes.
func tokenRefused(err error) bool {
	if e, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		return slices.Contains([]string{"invalid_auth", "account_inactive", "not_authed", "token_revoked"}, e.Err)
	}
	if e, ok := errors.AsType[slack.StatusCodeError](err); ok {
		return e.Code == http.StatusNotFound
	}
	return false
}

// openLink asks Slack for a Socket Mode URL (apps.connections.open, with the app-level token)
// and opens it. The URL, which lets anyone connect as the app, is never logged.
func (b *Bot) openLink(ctx context.Context) (*link, error) {
	_, url, err := b.client.StartSocketModeContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("apps.connections.open: %w", err)
	}
	dialer := websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: socketHandshakeTimeout}
	ws, resp, err := dialer.DialContext(ctx, url, http.Header{"Origin": {"https://api.slack.com"}})
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		status := ""
		if resp != nil {
			status = resp.Status
		}
		return nil, fmt.Errorf("opening the Socket Mode WebSocket (%s): %w", status, err)
	}
	ws.SetReadLimit(socketReadLimit)
	return &link{ws: ws}, nil
}

// read reads the connection until it fails, Slack asks for a new one, or ctx is done. A
// connection Slack has not pinged for PingInterval is taken for dead.
func (b *Bot) read(ctx context.Context, l *link, known <-chan struct{}, received chan<- struct{}) error {
	stop := context.AfterFunc(ctx, l.close)
	defer stop()
	alive := func() error { return l.ws.SetReadDeadline(time.Now().Add(b.cfg.PingInterval)) }
	if err := alive(); err != nil {
		return fmt.Errorf("reading from Slack: %w", err)
	}
	l.ws.SetPingHandler(func(data string) error {
		_ = alive()
		// A pong that cannot be written shows as a failed read soon after.
		_ = l.ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(socketWriteTimeout))
		return nil
	})
	bad := 0
	for {
		_, frame, err := l.ws.ReadMessage()
		if err != nil {
			return fmt.Errorf("reading from Slack: %w", err)
		}
		at := time.Now()
		select {
		case received <- struct{}{}:
		default:
		}
		env, err := parseEnvelope(frame)
		if err != nil {
			bad++
			b.log.WarnContext(ctx, "Socket Mode trouble", "err", err, "bytes", len(frame))
			if env.ID != "" {
				env.link, env.received = l, at
				b.ack(logctx.With(ctx, "envelope_id", env.ID), env, kindDropped, nil)
			}
			if bad >= maxBadFrames {
				return fmt.Errorf("%d unreadable frames in a row: %w", bad, err)
			}
			continue
		}
		bad = 0
		env.link, env.received = l, at
		if err := b.onFrame(ctx, env, known); err != nil {
			return err
		}
	}
}

// onFrame answers one frame, on the reading goroutine. The connection opens while the bot
// asks Slack who it is: the frames wait for it.
func (b *Bot) onFrame(ctx context.Context, env *envelope, known <-chan struct{}) error {
	select {
	case <-known:
	case <-ctx.Done():
		return ctx.Err()
	}
	switch env.Type {
	case frameHello:
		b.connected.Store(true)
		if app := b.identity().App; env.ConnectionInfo.AppID != "" && env.ConnectionInfo.AppID != app {
			b.log.ErrorContext(ctx, "the app-level token belongs to another app than the bot token", "app_id", env.ConnectionInfo.AppID, "want", app)
		}
		b.log.InfoContext(ctx, "connected to Slack")
		return nil
	case frameDisconnect:
		b.log.InfoContext(ctx, "Slack asked for a new connection", "reason", env.Reason)
		return errDisconnect
	}
	b.onEnvelope(logctx.With(ctx, "envelope_id", env.ID), env)
	return nil
}

// onEnvelope routes an envelope by its type. One whose ack may carry an answer is left to its
// route to acknowledge; any other is acknowledged here, before its payload is read, and its
// work is queued.
func (b *Bot) onEnvelope(ctx context.Context, env *envelope) {
	route, ok := b.routes.envelopes[env.Type]
	switch {
	case !ok:
		b.log.DebugContext(ctx, "dropping an envelope of a type the bot does not answer", "type", env.Type)
		b.ack(ctx, env, kindDropped, nil)
	case route.answer != nil && (env.Accepts || route.work == nil):
		route.answer(ctx, env)
	default:
		// The work is counted before the ack goes out, so that whoever sees the ack can wait
		// for the work (Run's shutdown, tests).
		b.work.Add(1)
		b.ackNow(ctx, env)
		b.queueWork(ctx, func(ctx context.Context) { route.work(ctx, env) })
	}
}

// kindDropped is the kind ObserveAck is told for an envelope the bot drops.
const kindDropped = "dropped"

// ack acknowledges an envelope, with payload when it carries an answer, and tells
// ObserveAck how long after its frame was read.
func (b *Bot) ack(ctx context.Context, env *envelope, kind string, payload any) {
	if err := env.link.ack(env.ID, payload); err != nil {
		b.log.WarnContext(ctx, "acknowledging an envelope failed", "kind", kind, "err", err)
		return
	}
	if b.cfg.ObserveAck != nil {
		b.cfg.ObserveAck(kind, time.Since(env.received))
	}
}

// ackNow acknowledges an envelope whose ack carries nothing, before its payload is read; the
// work tells ObserveAck its kind once it knows it (acked).
func (b *Bot) ackNow(ctx context.Context, env *envelope) {
	if err := env.link.ack(env.ID, nil); err != nil {
		b.log.WarnContext(ctx, "acknowledging an envelope failed", "type", env.Type, "err", err)
		return
	}
	env.acked = max(time.Since(env.received), time.Nanosecond)
}

// acked tells ObserveAck the kind of an envelope ackNow acknowledged.
func (b *Bot) acked(env *envelope, kind string) {
	if env.acked > 0 && b.cfg.ObserveAck != nil {
		b.cfg.ObserveAck(kind, env.acked)
	}
}
