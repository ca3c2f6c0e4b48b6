package slacktest_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/internal/slacktest"
)

// The conformance test holds the fake to real Socket Mode clients: Slack's official Node client
// (@slack/socket-mode) and slack-go's socketmode.Client run the same scenarios, driven from Go
// through the person helpers, and answer by the same rules (see goBot and
// testdata/socketmode_conformance.mjs).

// clientUnderTest starts a Socket Mode client against srv and returns the envelopes it sees.
type clientUnderTest struct {
	name  string
	start func(t *testing.T, srv *slacktest.Server) <-chan seen
}

var clientsUnderTest = []clientUnderTest{
	{"slack-go", func(t *testing.T, srv *slacktest.Server) <-chan seen { return startGoBot(t, srv).seen }},
	{"node", startNodeClient},
}

// conformanceScenarios run in order on one client.
var conformanceScenarios = []struct {
	name string
	run  func(t *testing.T, srv *slacktest.Server, seen <-chan seen)
}{
	{"connects", func(t *testing.T, srv *slacktest.Server, _ <-chan seen) {
		must(t, srv.WaitConnections(testCtx(t), 1), "waiting for the client")
		if n := srv.Calls("apps.connections.open"); n != 1 {
			t.Errorf("apps.connections.open called %d times, want 1", n)
		}
	}},
	{"acks a slash command", func(t *testing.T, srv *slacktest.Server, ch <-chan seen) {
		ack, err := srv.SlashCommand(testCtx(t), alice, support, "/cognito", "reset u-1 --pool prod")
		must(t, err, "SlashCommand")
		if ack.Text() != "ack: reset u-1 --pool prod" {
			t.Errorf("ack payload = %s", ack.Payload)
		}
		got := next(t, ch)
		want := seen{Kind: "slash_commands", Command: "/cognito", Text: "reset u-1 --pool prod", UserID: alice,
			ChannelID: support, TriggerID: got.TriggerID}
		if diff := cmp.Diff(want, got); diff != "" || got.TriggerID == "" {
			t.Errorf("client saw (-want +got):\n%s", diff)
		}
		if e := srv.Ephemerals(alice); len(e) == 0 || e[len(e)-1].Text != ack.Text() {
			t.Errorf("the reply is not shown to alice: %+v", e)
		}
	}},
	{"acks a block action", func(t *testing.T, srv *slacktest.Server, ch <-chan seen) {
		ts := postCard(t, srv, support)
		ack, err := srv.Click(testCtx(t), bob, support, ts, "approve")
		must(t, err, "Click")
		if ack.Payload != nil {
			t.Errorf("ack payload = %s, want none", ack.Payload)
		}
		got := next(t, ch)
		want := seen{Kind: "block_actions", UserID: bob, ChannelID: support, TriggerID: got.TriggerID, ActionID: "approve", Value: "req-1"}
		if diff := cmp.Diff(want, got); diff != "" || got.TriggerID == "" {
			t.Errorf("client saw (-want +got):\n%s", diff)
		}
	}},
	{"acks a view submission with errors", func(t *testing.T, srv *slacktest.Server, ch <-chan seen) {
		_, err := srv.SlashCommand(testCtx(t), alice, support, "/cognito", "")
		must(t, err, "SlashCommand")
		next(t, ch)
		v, err := api(srv).OpenViewContext(testCtx(t), lastTrigger(t, srv), resetModal())
		must(t, err, "views.open")
		ack, err := srv.SubmitView(testCtx(t), alice, v.ID, map[string]string{"target": "nobody", "reason": "locked out"})
		must(t, err, "SubmitView")
		wantErrors := map[string]string{"target": "bad: nobody", "reason": "bad: locked out"}
		if ack.ResponseAction() != "errors" || !cmp.Equal(ack.Errors(), wantErrors) {
			t.Errorf("ack payload = %s", ack.Payload)
		}
		got := next(t, ch)
		if got.Kind != "view_submission" || got.ViewID != v.ID || got.UserID != alice {
			t.Errorf("client saw %+v", got)
		}
		open := srv.Views(alice)
		if len(open) != 1 || !cmp.Equal(open[0].Errors, wantErrors) {
			t.Errorf("the view should stay open with the errors shown: %+v", open)
		}
	}},
	{"acks app_home_opened", func(t *testing.T, srv *slacktest.Server, ch <-chan seen) {
		ack, err := srv.OpenAppHome(testCtx(t), alice)
		must(t, err, "OpenAppHome")
		if ack.Payload != nil {
			t.Errorf("ack payload = %s, want none", ack.Payload)
		}
		got := next(t, ch)
		want := seen{Kind: "events_api", EventType: "app_home_opened", UserID: alice, ChannelID: srv.IMChannel(alice), Tab: "home"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("client saw (-want +got):\n%s", diff)
		}
	}},
	{"reconnects on refresh_requested", func(t *testing.T, srv *slacktest.Server, ch <-chan seen) {
		opened := srv.ConnectionsOpened()
		calls := srv.Calls("apps.connections.open")
		srv.Disconnect(slacktest.DisconnectRefreshRequested)
		must(t, srv.WaitConnectionsOpened(testCtx(t), opened+1), "waiting for the client to reconnect")
		if n := srv.Calls("apps.connections.open"); n != calls+1 {
			t.Errorf("apps.connections.open called %d more times, want 1 (a fresh URL)", n-calls)
		}
		ack, err := srv.SlashCommand(testCtx(t), alice, support, "/cognito", "after refresh")
		must(t, err, "SlashCommand on the new connection")
		if ack.Text() != "ack: after refresh" || ack.Conn == "conn-1" {
			t.Errorf("ack = %+v (payload %s)", ack, ack.Payload)
		}
		next(t, ch)
	}},
}

func TestConformance(t *testing.T) {
	for _, c := range clientsUnderTest {
		t.Run(c.name, func(t *testing.T) {
			srv := newServer(t, slacktest.WithPingInterval(200*time.Millisecond), slacktest.WithDisconnectGrace(2*time.Second))
			ch := c.start(t, srv)
			for _, sc := range conformanceScenarios {
				if !t.Run(sc.name, func(t *testing.T) { sc.run(t, srv, ch) }) {
					return
				}
			}
			for _, env := range srv.Envelopes() {
				if env.Status != slacktest.StatusAcked {
					t.Errorf("envelope %s (%s) ended %s", env.ID, env.Type, env.Status)
				}
			}
		})
	}
}

// nodeModules returns where @slack/socket-mode is installed, skipping the test when it is not
// (failing instead under CI=true, so CI never skips it silently).
func nodeModules(t *testing.T) (node, modules string) {
	t.Helper()
	unavailable := func(why string) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s; CI must run the Node conformance test (scripts/install-test-peers)", why)
		}
		t.Skipf("%s; run scripts/install-test-peers and set RESETBOT_NODE_MODULES", why)
	}
	modules = os.Getenv("RESETBOT_NODE_MODULES")
	if modules == "" {
		unavailable("RESETBOT_NODE_MODULES is not set")
	}
	if _, err := os.Stat(filepath.Join(modules, "@slack", "socket-mode", "package.json")); err != nil {
		unavailable("@slack/socket-mode is not in " + modules)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		unavailable("node is not installed")
	}
	return node, modules
}

// lockedBuffer collects a process's output.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startNodeClient runs testdata/socketmode_conformance.mjs against srv until the test ends.
func startNodeClient(t *testing.T, srv *slacktest.Server) <-chan seen {
	t.Helper()
	node, modules := nodeModules(t)
	script, err := filepath.Abs(filepath.Join("testdata", "socketmode_conformance.mjs"))
	must(t, err, "script path")
	cmd := exec.Command(node, script)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules, "SLACK_API_URL="+srv.APIURL(), "SLACK_APP_TOKEN="+srv.AppToken())
	stdin, err := cmd.StdinPipe()
	must(t, err, "stdin")
	stdout, err := cmd.StdoutPipe()
	must(t, err, "stdout")
	var stderr, lifecycle lockedBuffer
	cmd.Stderr = &stderr
	must(t, cmd.Start(), "starting node")

	ch := make(chan seen, 100)
	var wg sync.WaitGroup
	wg.Go(func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var line nodeLine
			if err := json.Unmarshal(sc.Bytes(), &line); err != nil || line.Body == nil {
				_, _ = lifecycle.Write(append(sc.Bytes(), '\n'))
				continue
			}
			ch <- line.seen()
		}
	})
	t.Cleanup(func() {
		_ = stdin.Close()
		exited := make(chan error, 1)
		go func() {
			wg.Wait()
			exited <- cmd.Wait()
		}()
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("node client: %v", err)
			}
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Error("node client did not exit after its stdin closed")
		}
		if t.Failed() {
			t.Logf("node client lifecycle:\n%s\nnode client stderr:\n%s", lifecycle.String(), stderr.String())
		}
	})
	return ch
}

// nodeLine is a line the Node client prints.
type nodeLine struct {
	Kind     string `json:"kind"`
	RetryNum int    `json:"retry_num"`
	Body     *struct {
		Command   string `json:"command"`
		Text      string `json:"text"`
		UserID    string `json:"user_id"`
		ChannelID string `json:"channel_id"`
		TriggerID string `json:"trigger_id"`
		User      struct {
			ID string `json:"id"`
		} `json:"user"`
		Channel struct {
			ID string `json:"id"`
		} `json:"channel"`
		View struct {
			ID string `json:"id"`
		} `json:"view"`
		Event struct {
			Type    string `json:"type"`
			User    string `json:"user"`
			Channel string `json:"channel"`
			Tab     string `json:"tab"`
		} `json:"event"`
		Actions []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"actions"`
	} `json:"body"`
}

// seen decodes the line as the Go client's seen.
func (l nodeLine) seen() seen {
	b := l.Body
	s := seen{Kind: l.Kind, Retry: l.RetryNum, TriggerID: b.TriggerID}
	switch l.Kind {
	case "slash_commands":
		s.Command, s.Text, s.UserID, s.ChannelID = b.Command, b.Text, b.UserID, b.ChannelID
	case "events_api":
		s.TriggerID = ""
		s.EventType, s.UserID, s.ChannelID, s.Tab = b.Event.Type, b.Event.User, b.Event.Channel, b.Event.Tab
	default:
		s.UserID, s.ChannelID, s.ViewID = b.User.ID, b.Channel.ID, b.View.ID
		if len(b.Actions) > 0 {
			s.ActionID, s.Value = b.Actions[0].ActionID, b.Actions[0].Value
		}
	}
	return s
}
