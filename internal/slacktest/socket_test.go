package slacktest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"go.uber.org/goleak"

	"github.com/resetbot/resetbot/internal/slacktest"
)

var epoch = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func TestHelloAsSlackSendsIt(t *testing.T) {
	srv := newServer(t)
	_, hello := dialRaw(t, srv)
	if hello.Type != "hello" || hello.NumConnections != 1 || hello.ConnectionInfo.AppID != srv.AppID() ||
		hello.DebugInfo.Host == "" || hello.DebugInfo.ApproximateConnectionTime == 0 {
		t.Errorf("hello = %+v", hello)
	}
	_, second := dialRaw(t, srv)
	if second.NumConnections != 2 {
		t.Errorf("second hello num_connections = %d, want 2", second.NumConnections)
	}
}

func TestConnectionsOpenChecksTheAppToken(t *testing.T) {
	srv := newServer(t)
	tests := []struct {
		name  string
		token string
		want  string
	}{
		{"bot token", srv.BotToken(), "not_allowed_token_type"},
		{"unknown token", "xapp-1-nope", "invalid_auth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := slack.New("", slack.OptionAPIURL(srv.APIURL()), slack.OptionAppLevelToken(tt.token)).
				StartSocketModeContext(testCtx(t))
			if err == nil || err.Error() != tt.want {
				t.Errorf("apps.connections.open error = %v, want %s", err, tt.want)
			}
		})
	}
}

func TestWebSocketURLIsSingleUse(t *testing.T) {
	srv := newServer(t)
	_, url, err := api(srv).StartSocketModeContext(testCtx(t))
	must(t, err, "apps.connections.open")
	ws, resp, err := websocket.DefaultDialer.DialContext(testCtx(t), url, nil)
	must(t, err, "first dial")
	_ = resp.Body.Close()
	t.Cleanup(func() { _ = ws.Close() })
	_, resp, err = websocket.DefaultDialer.DialContext(testCtx(t), url, nil)
	if err == nil {
		t.Fatal("second dial with the same ticket succeeded")
	}
	if resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("second dial answered %v, want 401", resp)
	}
	if resp != nil {
		_ = resp.Body.Close()
	}
}

func TestAckIsMatchedByEnvelopeIDAndCarriesItsPayload(t *testing.T) {
	srv := newServer(t)
	c, _ := dialRaw(t, srv)
	got := background(t, func() (slacktest.Ack, error) {
		return srv.SlashCommand(testCtx(t), alice, support, "/cognito", "status u-1")
	})
	env := c.next(t)
	if env.Type != slacktest.TypeSlashCommands || !env.AcceptsResponsePayload || env.RetryAttempt != nil {
		t.Errorf("envelope = %+v", env)
	}
	c.ack(t, "not-"+env.EnvelopeID, map[string]string{"text": "wrong envelope"})
	c.ack(t, env.EnvelopeID, map[string]string{"text": "Looking up u-1"})
	r := wait(t, got)
	must(t, r.err, "SlashCommand")
	if r.ack.EnvelopeID != env.EnvelopeID || r.ack.Text() != "Looking up u-1" || r.ack.Conn != "conn-1" {
		t.Errorf("ack = %+v", r.ack)
	}
	eph := srv.Ephemerals(alice)
	if len(eph) != 1 || eph[0].Text != "Looking up u-1" || eph[0].Via != "ack" || eph[0].Channel != support {
		t.Errorf("ephemerals = %+v", eph)
	}
}

func TestSlashCommandPayloadFieldsAreStrings(t *testing.T) {
	srv := newServer(t)
	c, _ := dialRaw(t, srv)
	go func() { _, _ = srv.SlashCommand(testCtx(t), alice, support, "/cognito", "reset u-1") }()
	env := c.next(t)
	var p map[string]any
	must(t, json.Unmarshal(env.Payload, &p), "payload")
	for _, k := range []string{"token", "team_id", "team_domain", "channel_id", "channel_name", "user_id", "user_name",
		"command", "text", "api_app_id", "is_enterprise_install", "response_url", "trigger_id"} {
		if _, ok := p[k].(string); !ok {
			t.Errorf("payload %s = %#v, want a string", k, p[k])
		}
	}
	if p["command"] != "/cognito" || p["text"] != "reset u-1" || p["channel_name"] != "support" || p["user_name"] != "alice" {
		t.Errorf("payload = %v", p)
	}
	c.ack(t, env.EnvelopeID, nil)
}

func TestSlashCommandTextIsEscapedAsSlackSendsIt(t *testing.T) {
	srv := newServer(t)
	c, _ := dialRaw(t, srv)
	go func() {
		_, _ = srv.SlashCommand(testCtx(t), alice, support, "/cognito", `reset a&b <!channel> "x>y" &amp;`)
	}()
	env := c.next(t)
	var p struct {
		Text string `json:"text"`
	}
	must(t, json.Unmarshal(env.Payload, &p), "payload")
	if want := `reset a&amp;b &lt;!channel&gt; "x&gt;y" &amp;amp;`; p.Text != want {
		t.Errorf("text = %q, want %q", p.Text, want)
	}
	c.ack(t, env.EnvelopeID, nil)
}

func TestRedeliverSendsTheSameEnvelopeAgain(t *testing.T) {
	srv := newServer(t)
	c, _ := dialRaw(t, srv)
	if _, err := srv.Redeliver(testCtx(t), "no-such-envelope"); !errors.Is(err, slacktest.ErrNotFound) {
		t.Errorf("redelivering an unknown envelope: %v, want ErrNotFound", err)
	}
	got := background(t, func() (slacktest.Ack, error) {
		return srv.SlashCommand(testCtx(t), alice, support, "/cognito", "reset u-1")
	})
	first := c.next(t)
	if _, err := srv.Redeliver(testCtx(t), first.EnvelopeID); !errors.Is(err, slacktest.ErrInvalidInput) {
		t.Errorf("redelivering an envelope still waiting for its ack: %v, want ErrInvalidInput", err)
	}
	c.ack(t, first.EnvelopeID, nil)
	must(t, wait(t, got).err, "SlashCommand")

	again := background(t, func() (slacktest.Ack, error) { return srv.Redeliver(testCtx(t), first.EnvelopeID) })
	second := c.next(t)
	if second.EnvelopeID != first.EnvelopeID || second.Type != first.Type ||
		second.AcceptsResponsePayload != first.AcceptsResponsePayload || string(second.Payload) != string(first.Payload) {
		t.Errorf("redelivered envelope = %+v, want %+v", second, first)
	}
	c.ack(t, second.EnvelopeID, map[string]string{"text": "seen"})
	r := wait(t, again)
	must(t, r.err, "Redeliver")
	if r.ack.EnvelopeID != first.EnvelopeID || r.ack.Text() != "seen" {
		t.Errorf("ack = %+v", r.ack)
	}
	if eph := srv.Ephemerals(alice); len(eph) != 0 {
		t.Errorf("the redelivery's ack was shown: %+v", eph)
	}
	var sent int
	for _, e := range srv.Envelopes() {
		if e.ID == first.EnvelopeID && e.Status == slacktest.StatusAcked {
			sent++
		}
	}
	if sent != 2 {
		t.Errorf("envelope %s acknowledged %d times in the history, want 2", first.EnvelopeID, sent)
	}
}

func TestNoAckWithinTheDeadline(t *testing.T) {
	clock := slacktest.NewFakeClock(epoch)
	srv := newServer(t, slacktest.WithClock(clock))
	c, _ := dialRaw(t, srv)
	got := background(t, func() (slacktest.Ack, error) {
		return srv.SlashCommand(testCtx(t), alice, support, "/cognito", "")
	})
	env := c.next(t)
	clock.Advance(slacktest.AckDeadline - time.Millisecond)
	select {
	case r := <-got:
		t.Fatalf("the helper returned before the deadline: %+v", r)
	default:
	}
	clock.Advance(time.Millisecond)
	r := wait(t, got)
	if !errors.Is(r.err, slacktest.ErrAckTimeout) {
		t.Fatalf("err = %v, want ErrAckTimeout", r.err)
	}
	c.ack(t, env.EnvelopeID, map[string]string{"text": "too late"})
	c.sync(t)
	if st := srv.Envelopes()[0].Status; st != slacktest.StatusLate {
		t.Errorf("status = %s, want late", st)
	}
	if len(srv.Ephemerals(alice)) != 0 {
		t.Error("a late ack's reply was shown")
	}
}

func TestAckOver20KBIsRefused(t *testing.T) {
	srv := newServer(t)
	c, _ := dialRaw(t, srv)
	got := background(t, func() (slacktest.Ack, error) {
		return srv.SlashCommand(testCtx(t), alice, support, "/cognito", "")
	})
	env := c.next(t)
	c.ack(t, env.EnvelopeID, map[string]string{"text": strings.Repeat("x", slacktest.MaxAckSize)})
	if r := wait(t, got); !errors.Is(r.err, slacktest.ErrAckTooLarge) {
		t.Fatalf("err = %v, want ErrAckTooLarge", r.err)
	}
	if st := srv.Envelopes()[0].Status; st != slacktest.StatusRefused {
		t.Errorf("status = %s, want refused", st)
	}
}

func TestEventsAreRedeliveredUntilAcked(t *testing.T) {
	clock := slacktest.NewFakeClock(epoch)
	srv := newServer(t, slacktest.WithClock(clock))
	c, _ := dialRaw(t, srv)
	got := background(t, func() (slacktest.Ack, error) {
		return srv.PublishEvent(testCtx(t), map[string]any{"type": "app_mention", "user": alice, "text": "hi", "channel": support})
	})
	var eventIDs []string
	for attempt := 0; attempt < 3; attempt++ {
		env := c.next(t)
		if env.Type != slacktest.TypeEventsAPI || env.RetryAttempt == nil || *env.RetryAttempt != attempt {
			t.Fatalf("delivery %d = %+v", attempt, env)
		}
		wantReason := ""
		if attempt > 0 {
			wantReason = "timeout"
		}
		if *env.RetryReason != wantReason {
			t.Errorf("delivery %d retry_reason = %q, want %q", attempt, *env.RetryReason, wantReason)
		}
		var p struct {
			EventID string `json:"event_id"`
			Type    string `json:"type"`
		}
		must(t, json.Unmarshal(env.Payload, &p), "payload")
		eventIDs = append(eventIDs, p.EventID)
		if attempt < 2 {
			clock.Advance(slacktest.AckDeadline)
			continue
		}
		c.ack(t, env.EnvelopeID, nil)
	}
	r := wait(t, got)
	must(t, r.err, "PublishEvent")
	if r.ack.Attempt != 2 {
		t.Errorf("acked attempt = %d, want 2", r.ack.Attempt)
	}
	if eventIDs[0] != eventIDs[1] || eventIDs[1] != eventIDs[2] {
		t.Errorf("event_id changed across deliveries: %v", eventIDs)
	}
}

func TestEventsGiveUpAfterTheRetries(t *testing.T) {
	clock := slacktest.NewFakeClock(epoch)
	srv := newServer(t, slacktest.WithClock(clock))
	c, _ := dialRaw(t, srv)
	got := background(t, func() (slacktest.Ack, error) {
		return srv.PublishEvent(testCtx(t), map[string]any{"type": "app_mention"})
	})
	for range slacktest.MaxEventRetries + 1 {
		c.next(t)
		clock.Advance(slacktest.AckDeadline)
	}
	if r := wait(t, got); !errors.Is(r.err, slacktest.ErrAckTimeout) {
		t.Fatalf("err = %v, want ErrAckTimeout", r.err)
	}
	if n := len(srv.Envelopes()); n != slacktest.MaxEventRetries+1 {
		t.Errorf("%d deliveries, want %d", n, slacktest.MaxEventRetries+1)
	}
}

func TestServerPingsAndAnswersPings(t *testing.T) {
	srv := newServer(t, slacktest.WithPingInterval(10*time.Millisecond))
	c, _ := dialRaw(t, srv)
	for range 2 {
		select {
		case <-c.pings:
		case <-time.After(20 * time.Second):
			t.Fatal("no ping from the server")
		}
	}
	c.sync(t) // a client ping, answered with its data
	info := srv.Connections()[0]
	if info.PingsSent < 2 || info.PongsReceived < 2 || info.ClientPings != 1 {
		t.Errorf("connection = %+v, want at least 2 pings and pongs and 1 client ping", info)
	}
}

func TestStoppingPingsMakesTheClientReconnect(t *testing.T) {
	srv := newServer(t, slacktest.WithPingInterval(20*time.Millisecond))
	startGoBot(t, srv, socketmode.OptionPingInterval(300*time.Millisecond))
	must(t, srv.WaitConnections(testCtx(t), 1), "connecting")
	srv.SetPingInterval(0)
	must(t, srv.WaitConnectionsOpened(testCtx(t), 2), "the client reconnecting after the pings stopped")
	srv.SetPingInterval(20 * time.Millisecond)
}

func TestDisconnectWarningKeepsTheConnection(t *testing.T) {
	srv := newServer(t)
	c, _ := dialRaw(t, srv)
	srv.Disconnect(slacktest.DisconnectWarning)
	if f := c.next(t); f.Type != "disconnect" || f.Reason != "warning" || f.DebugInfo.Host == "" {
		t.Fatalf("frame = %+v", f)
	}
	go func() { _, _ = srv.SlashCommand(testCtx(t), alice, support, "/cognito", "") }()
	env := c.next(t)
	c.ack(t, env.EnvelopeID, nil)
	if got := srv.Connections(); len(got) != 1 || got[0].Draining {
		t.Errorf("connections = %+v", got)
	}
}

func TestDisconnectClosesAfterTheGrace(t *testing.T) {
	for _, reason := range []string{slacktest.DisconnectRefreshRequested, slacktest.DisconnectLinkDisabled} {
		t.Run(reason, func(t *testing.T) {
			srv := newServer(t, slacktest.WithDisconnectGrace(10*time.Millisecond))
			c, _ := dialRaw(t, srv)
			srv.Disconnect(reason)
			if f := c.next(t); f.Type != "disconnect" || f.Reason != reason {
				t.Fatalf("frame = %+v", f)
			}
			err := c.waitClosed(t)
			if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
				t.Errorf("close = %v, want a normal close frame", err)
			}
		})
	}
}

func TestDrainingConnectionGetsNoEnvelopes(t *testing.T) {
	srv := newServer(t)
	first, _ := dialRaw(t, srv)
	second, _ := dialRaw(t, srv)
	must(t, srv.DisconnectConn("conn-1", slacktest.DisconnectRefreshRequested), "disconnect")
	first.next(t)
	for range 5 {
		go func() { _, _ = srv.SlashCommand(testCtx(t), alice, support, "/cognito", "") }()
		env := second.next(t)
		second.ack(t, env.EnvelopeID, nil)
	}
	select {
	case f := <-first.frames:
		t.Errorf("the draining connection got %+v", f)
	default:
	}
}

func TestSlackGoReconnectsOnRefreshRequested(t *testing.T) {
	srv := newServer(t)
	bot := startGoBot(t, srv)
	must(t, srv.WaitConnections(testCtx(t), 1), "connecting")
	srv.Disconnect(slacktest.DisconnectRefreshRequested)
	must(t, srv.WaitConnectionsOpened(testCtx(t), 2), "reconnecting")
	if n := srv.Calls("apps.connections.open"); n != 2 {
		t.Errorf("apps.connections.open called %d times, want 2", n)
	}
	ack, err := srv.SlashCommand(testCtx(t), alice, support, "/cognito", "after")
	must(t, err, "slash command after the reconnect")
	if ack.Conn != "conn-2" || ack.Text() != "ack: after" {
		t.Errorf("ack = %+v", ack)
	}
	next(t, bot.seen)
}

func TestSlackGoReconnectsAfterADroppedConnection(t *testing.T) {
	srv := newServer(t)
	startGoBot(t, srv)
	must(t, srv.WaitConnections(testCtx(t), 1), "connecting")
	srv.DropConnections()
	must(t, srv.WaitConnectionsOpened(testCtx(t), 2), "reconnecting")
	_, err := srv.SlashCommand(testCtx(t), alice, support, "/cognito", "")
	must(t, err, "slash command after the reconnect")
}

func TestConnectionLostBeforeTheAck(t *testing.T) {
	srv := newServer(t)
	c, _ := dialRaw(t, srv)
	got := background(t, func() (slacktest.Ack, error) {
		return srv.SlashCommand(testCtx(t), alice, support, "/cognito", "")
	})
	c.next(t)
	_ = c.ws.NetConn().Close()
	if r := wait(t, got); !errors.Is(r.err, slacktest.ErrConnectionLost) {
		t.Fatalf("err = %v, want ErrConnectionLost", r.err)
	}
}

func TestTooManyWebsockets(t *testing.T) {
	srv := newServer(t)
	for i := range slacktest.MaxConnections {
		if _, hello := dialRaw(t, srv); hello.NumConnections != i+1 {
			t.Fatalf("connection %d: hello = %+v", i+1, hello)
		}
	}
	c, f := dialRaw(t, srv)
	if f.Type != "disconnect" || f.Reason != slacktest.DisconnectTooManyWebsockets {
		t.Fatalf("eleventh connection got %+v", f)
	}
	c.waitClosed(t)
	if n := len(srv.Connections()); n != slacktest.MaxConnections {
		t.Errorf("%d connections open, want %d", n, slacktest.MaxConnections)
	}
}

func TestRouting(t *testing.T) {
	srv := newServer(t, slacktest.WithSeed(7))
	first, _ := dialRaw(t, srv)
	second, _ := dialRaw(t, srv)
	conns := map[string]*rawConn{"conn-1": first, "conn-2": second}
	tests := []struct {
		route slacktest.Route
		want  string
	}{
		{slacktest.RouteTo("conn-2"), "conn-2"},
		{slacktest.RouteOldest, "conn-1"},
		{slacktest.RouteNewest, "conn-2"},
		{slacktest.RouteTo("conn-1"), "conn-1"},
	}
	for _, tt := range tests {
		t.Run(tt.route.String(), func(t *testing.T) {
			srv.SetRoute(tt.route)
			got := background(t, func() (slacktest.Ack, error) {
				return srv.SlashCommand(testCtx(t), alice, support, "/cognito", "")
			})
			env := conns[tt.want].next(t)
			conns[tt.want].ack(t, env.EnvelopeID, nil)
			if r := wait(t, got); r.err != nil || r.ack.Conn != tt.want {
				t.Errorf("ack = %+v, %v; want on %s", r.ack, r.err, tt.want)
			}
		})
	}
	srv.SetRoute(slacktest.RouteTo("conn-9"))
	if _, err := srv.SlashCommand(testCtx(t), alice, support, "/cognito", ""); !errors.Is(err, slacktest.ErrNoConnection) {
		t.Errorf("route to a missing connection: err = %v, want ErrNoConnection", err)
	}
	srv.SetRoute(slacktest.RouteRandom)
	seenConns := map[string]bool{}
	for range 20 {
		got := background(t, func() (slacktest.Ack, error) {
			return srv.SlashCommand(testCtx(t), alice, support, "/cognito", "")
		})
		select {
		case env := <-first.frames:
			first.ack(t, env.EnvelopeID, nil)
		case env := <-second.frames:
			second.ack(t, env.EnvelopeID, nil)
		}
		r := wait(t, got)
		must(t, r.err, "random route")
		seenConns[r.ack.Conn] = true
	}
	if diff := cmp.Diff(map[string]bool{"conn-1": true, "conn-2": true}, seenConns); diff != "" {
		t.Errorf("random routing reached (-want +got):\n%s", diff)
	}
}

func TestHelpersWaitForAConnection(t *testing.T) {
	srv := newServer(t)
	got := background(t, func() (slacktest.Ack, error) {
		return srv.SlashCommand(testCtx(t), alice, support, "/cognito", "early")
	})
	startGoBot(t, srv)
	r := wait(t, got)
	must(t, r.err, "SlashCommand before the app connected")
	if r.ack.Text() != "ack: early" {
		t.Errorf("ack text = %q", r.ack.Text())
	}
}

func TestCloseLeavesNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv, err := slacktest.Start(slacktest.WithPingInterval(5 * time.Millisecond))
	must(t, err, "Start")
	srv.AddUser(slacktest.User{ID: alice})
	srv.AddChannel(support, "support", alice, srv.BotUserID())
	c, _ := dialRaw(t, srv)
	srv.Latency("auth.test", time.Hour)
	calling := make(chan error, 1)
	go func() {
		_, err := api(srv).AuthTestContext(testCtx(t))
		calling <- err
	}()
	got := background(t, func() (slacktest.Ack, error) {
		return srv.SlashCommand(testCtx(t), alice, support, "/cognito", "")
	})
	c.next(t)
	srv.Close()
	if r := wait(t, got); !errors.Is(r.err, slacktest.ErrServerClosed) {
		t.Errorf("helper err = %v, want ErrServerClosed", r.err)
	}
	if err := <-calling; err == nil {
		t.Error("a call held by latency succeeded after Close")
	}
	c.waitClosed(t)
	_ = c.ws.Close()
	http.DefaultClient.CloseIdleConnections()
}
