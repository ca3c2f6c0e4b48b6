package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/resetbot/resetbot/internal/slacktest"
)

// The Cognito operations that change a user; a dry run calls none of them.
var cognitoWrites = []string{"AdminResetUserPassword", "AdminSetUserPassword", "AdminUpdateUserAttributes", "AdminUserGlobalSignOut"}

// process is resetbot running as a child process.
type process struct {
	cmd    *exec.Cmd
	addr   string // where /healthz, /readyz and /metrics are served
	exited chan error

	mu      sync.Mutex
	logs    []map[string]any
	raw     strings.Builder
	changed chan struct{} // closed and replaced on every log line
}

// startProcess starts the built binary with `serve` against the fixture and returns once its
// HTTP server is listening.
func startProcess(t *testing.T, f *fixture, extraEnv ...string) *process {
	t.Helper()
	bin := buildBinary(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(f.environ(), extraEnv...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, exited: make(chan error, 1), changed: make(chan struct{})}
	started := make(chan string, 1)
	logsDone := make(chan struct{})
	go func() {
		defer close(logsDone)
		p.readLogs(stderr, started)
	}()
	go func() {
		<-logsDone
		p.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-logsDone
		f.assertNoSecrets(t, "the process's log", p.rawLogs())
		if t.Failed() {
			t.Logf("resetbot's log:\n%s", p.rawLogs())
		}
	})

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	select {
	case p.addr = <-started:
	case err := <-p.exited:
		t.Fatalf("resetbot exited before serving: %v\n%s", err, p.rawLogs())
	case <-ctx.Done():
		t.Fatalf("resetbot did not log that it started:\n%s", p.rawLogs())
	}
	return p
}

// readLogs keeps every JSON log line and reports the HTTP address from the "starting" line.
func (p *process) readLogs(r io.Reader, started chan<- string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		var rec map[string]any
		_ = json.Unmarshal([]byte(line), &rec)
		p.mu.Lock()
		p.raw.WriteString(line + "\n")
		if rec != nil {
			p.logs = append(p.logs, rec)
		}
		close(p.changed)
		p.changed = make(chan struct{})
		p.mu.Unlock()
		if rec["msg"] == "starting" {
			if addr, ok := rec["http_addr"].(string); ok {
				started <- addr
			}
		}
	}
}

func (p *process) rawLogs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.raw.String()
}

func (p *process) logLines() []map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]map[string]any(nil), p.logs...)
}

// waitLog waits for a log line with the message msg, after the first skip lines, and returns
// it with its index.
func (p *process) waitLog(t *testing.T, ctx context.Context, msg string, skip int) (map[string]any, int) {
	t.Helper()
	for {
		p.mu.Lock()
		for i := skip; i < len(p.logs); i++ {
			if p.logs[i]["msg"] == msg {
				rec := p.logs[i]
				p.mu.Unlock()
				return rec, i
			}
		}
		changed := p.changed
		p.mu.Unlock()
		select {
		case <-changed:
		case err := <-p.exited:
			p.exited <- err
			t.Fatalf("resetbot exited (%v) before logging %q", err, msg)
		case <-ctx.Done():
			t.Fatalf("waiting for the log line %q: %v", msg, ctx.Err())
		}
	}
}

// get fetches a path from the process's HTTP server.
func (p *process) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + p.addr + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, string(body)
}

// waitReady waits for the bot's Socket Mode connection, then for /readyz to answer 200. The
// readiness probe is polled, as an orchestrator does: the process offers nothing to wait on.
func (p *process) waitReady(t *testing.T, ctx context.Context, f *fixture) {
	t.Helper()
	if err := f.slack.WaitConnections(ctx, 1); err != nil {
		t.Fatalf("waiting for the Socket Mode connection: %v", err)
	}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := http.Get("http://" + p.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for /readyz 200: %v", ctx.Err())
		case <-tick.C:
		}
	}
}

// waitThread waits until the card's thread holds a reply containing text.
func waitThread(t *testing.T, ctx context.Context, f *fixture, c slacktest.Message, text string) {
	t.Helper()
	_, err := f.slack.WaitMessage(ctx, exampleChannel, func(m slacktest.Message) bool {
		return m.ThreadTS == c.TS && m.TS != c.TS && strings.Contains(m.Content(), text)
	})
	if err != nil {
		t.Fatalf("waiting for %q in the thread: %v\nthe thread:\n%s", text, err, threadText(f, c))
	}
}

// succeeded is the mark of a run's success in the thread.
const succeeded = "✅"

// threadText is everything readable in the card's thread, replies only.
func threadText(f *fixture, c slacktest.Message) string {
	var b strings.Builder
	for _, m := range f.slack.Thread(exampleChannel, c.TS) {
		if m.TS != c.TS {
			b.WriteString(m.Content() + "\n")
		}
	}
	return b.String()
}

// requestReset runs the slash command and returns the request card it brought.
func requestReset(t *testing.T, ctx context.Context, f *fixture) slacktest.Message {
	t.Helper()
	if _, err := f.slack.SlashCommand(ctx, requester, exampleChannel, "/cognito",
		"reset "+targetEmail+" --pool prod --ticket SUP-123 --verified-by callback locked out after a phone change"); err != nil {
		t.Fatalf("slash command: %v", err)
	}
	return waitCard(t, ctx, f)
}

// waitCard waits for a request card with its Approve button.
func waitCard(t *testing.T, ctx context.Context, f *fixture) slacktest.Message {
	t.Helper()
	c, err := f.slack.WaitMessage(ctx, exampleChannel, func(m slacktest.Message) bool {
		return m.User == f.slack.BotUserID() && (m.ThreadTS == "" || m.ThreadTS == m.TS) && strings.Contains(string(m.Blocks), `"approve"`)
	})
	if err != nil {
		t.Fatalf("waiting for the request card: %v", err)
	}
	return c
}

// approve has the approver click Approve on the card.
func approve(t *testing.T, ctx context.Context, f *fixture, c slacktest.Message) {
	t.Helper()
	if _, err := f.slack.Click(ctx, approver, exampleChannel, c.TS, "approve"); err != nil {
		t.Fatalf("approve click: %v", err)
	}
}

func TestProcessResetsAPasswordEndToEnd(t *testing.T) {
	f := newFixture(t)
	p := startProcess(t, f, "RESETBOT_LOG_LEVEL=debug")
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()

	if code, body := p.get(t, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d %q, want 200", code, body)
	}
	p.waitReady(t, ctx, f)

	c := requestReset(t, ctx, f)
	approve(t, ctx, f, c)
	select {
	case m := <-f.sent:
		if m.Trigger != "AdminResetUserPassword" || m.Username != targetUser || m.Destination != targetEmail {
			t.Errorf("Cognito sent %+v, want a reset code to %s", m, targetEmail)
		}
	case <-ctx.Done():
		t.Fatal("Cognito sent no reset code")
	}
	waitThread(t, ctx, f, c, succeeded)

	if n := f.cognito.Calls("AdminResetUserPassword"); n != 1 {
		t.Errorf("AdminResetUserPassword called %d times, want 1", n)
	}
	// The approval is announced in the channel (in the thread, or beside the card when the
	// click beats the card's thread being saved), and the result is in the thread.
	if _, err := f.slack.WaitMessage(ctx, exampleChannel, func(m slacktest.Message) bool {
		return m.TS != c.TS && strings.Contains(m.Content(), "<@"+approver+">")
	}); err != nil {
		t.Errorf("the approval was not announced: %v", err)
	}
	waitThread(t, ctx, f, c, "Password reset for "+targetUser)
	thread := threadText(f, c)
	if strings.Contains(thread, "DRY RUN") {
		t.Errorf("a real run says DRY RUN:\n%s", thread)
	}

	_, metrics := p.get(t, "/metrics")
	for _, want := range []string{
		`resetbot_requests_total{action="reset",outcome="created"} 1`,
		`resetbot_approvals_total{action="reset"} 1`,
		`resetbot_run_duration_seconds_count{action="reset",outcome="succeeded"} 1`,
		`resetbot_cognito_call_duration_seconds_count{operation="AdminResetUserPassword"} 1`,
		`resetbot_slack_ack_duration_seconds_count`,
		`resetbot_build_info{goversion=`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// The Cognito calls go through internal/h1, which counts the connections it opens.
	if m := regexp.MustCompile(`(?m)^resetbot_cognito_connections_opened_total ([0-9]+)$`).FindStringSubmatch(metrics); m == nil || m[1] == "0" {
		t.Errorf("/metrics counts no connection opened to Cognito: %q", m)
	}

	requestID := ""
	for _, l := range p.logLines() {
		if l["msg"] == "run claimed" {
			requestID, _ = l["request_id"].(string)
		}
	}
	if requestID == "" || !strings.Contains(c.Content(), requestID) {
		t.Errorf("the run's log line has request id %q, which the card does not show", requestID)
	}
	// Every line logged while handling Slack's envelopes names the envelope or the request,
	// whichever package wrote it (the Cognito adapter's lines included).
	for _, l := range p.logLines() {
		if l["msg"] == "cognito call" || strings.HasPrefix(fmt.Sprint(l["msg"]), "cognito ") || l["msg"] == "approval counted" {
			if l["envelope_id"] == nil && l["request_id"] == nil {
				t.Errorf("log line names neither envelope nor request: %v", l)
			}
		}
	}

	stopProcess(t, p)
}

// TestProcessFinishesARunOnSIGTERM stops the process while Cognito is slow to answer the reset:
// the run completes, its result is posted, and the process exits 0 within the grace period.
func TestProcessFinishesARunOnSIGTERM(t *testing.T) {
	f := newFixture(t)
	p := startProcess(t, f, "RESETBOT_SHUTDOWN_GRACE=30s")
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	p.waitReady(t, ctx, f)

	c := requestReset(t, ctx, f)
	f.cognito.SetLatency(time.Second)
	approve(t, ctx, f, c)
	if _, err := f.slack.WaitMessage(ctx, exampleChannel, func(m slacktest.Message) bool {
		return m.TS != c.TS && strings.Contains(m.Content(), "Running")
	}); err != nil {
		t.Fatalf("waiting for the run to start: %v", err)
	}
	// "Running" is told once the reset is sent: Cognito holds it for its latency.
	if n := len(f.cognito.Sent(prodPoolID, targetUser)); n != 0 {
		t.Fatalf("the reset was already made (%d codes sent) before SIGTERM; the test needs it in flight", n)
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.exited:
		if err != nil {
			t.Fatalf("resetbot exited with %v after SIGTERM, want 0", err)
		}
	case <-ctx.Done():
		t.Fatal("resetbot did not exit after SIGTERM")
	}
	if n := f.cognito.Calls("AdminResetUserPassword"); n != 1 {
		t.Errorf("AdminResetUserPassword called %d times, want 1", n)
	}
	if thread := threadText(f, c); !strings.Contains(thread, succeeded) {
		t.Errorf("the run's result is not in the thread:\n%s", thread)
	}
	if err := f.slack.WaitUntil(ctx, func() bool { return len(f.slack.Connections()) == 0 }); err != nil {
		t.Errorf("the Socket Mode connection is still open after exit: %v", err)
	}
}

// TestProcessStopsAtOnceOnASecondSignal sends SIGTERM while a run waits on Cognito, then
// SIGINT: the second signal is not swallowed by the graceful shutdown but stops the process.
func TestProcessStopsAtOnceOnASecondSignal(t *testing.T) {
	f := newFixture(t)
	p := startProcess(t, f, "RESETBOT_SHUTDOWN_GRACE=60s")
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	p.waitReady(t, ctx, f)

	c := requestReset(t, ctx, f)
	f.cognito.SetLatency(3 * time.Second)
	approve(t, ctx, f, c)
	if _, err := f.slack.WaitMessage(ctx, exampleChannel, func(m slacktest.Message) bool {
		return m.TS != c.TS && strings.Contains(m.Content(), "Running")
	}); err != nil {
		t.Fatalf("waiting for the run to start: %v", err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p.waitLog(t, ctx, "shutting down: closing the Slack connection, waiting for work in flight", 0)
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.exited:
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("resetbot exited with %v after a second signal, want killed by SIGINT", err)
		}
		if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGINT {
			t.Errorf("resetbot exited with %v after a second signal, want killed by SIGINT", err)
		}
	case <-ctx.Done():
		t.Fatal("resetbot did not exit after a second signal")
	}
}

func TestProcessDryRunOnlyReadsCognito(t *testing.T) {
	f := newFixture(t)
	p := startProcess(t, f, "RESETBOT_DRY_RUN=true")
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	p.waitReady(t, ctx, f)

	c := requestReset(t, ctx, f)
	approve(t, ctx, f, c)
	waitThread(t, ctx, f, c, succeeded)

	for _, op := range cognitoWrites {
		if n := f.cognito.Calls(op); n != 0 {
			t.Errorf("a dry run called %s %d times", op, n)
		}
	}
	if f.cognito.Calls("ListUsers")+f.cognito.Calls("AdminGetUser") == 0 {
		t.Error("a dry run did not look the user up")
	}
	select {
	case m := <-f.sent:
		t.Errorf("a dry run made Cognito send %+v", m)
	default:
	}
	if got, _ := f.slack.Message(exampleChannel, c.TS); !strings.Contains(got.Content(), "DRY RUN") {
		t.Errorf("the card does not say DRY RUN:\n%s", got.Content())
	}
	thread := threadText(f, c)
	if !strings.Contains(thread, "DRY RUN") || !strings.Contains(thread, "nothing was changed in Cognito") {
		t.Errorf("the thread does not say DRY RUN:\n%s", thread)
	}
	_, metrics := p.get(t, "/metrics")
	if !strings.Contains(metrics, `resetbot_run_duration_seconds_count{action="reset",outcome="dry_run"} 1`) {
		t.Errorf("/metrics does not count a dry run")
	}
	stopProcess(t, p)
}

// TestProcessReloadsThePolicyOnSIGHUP: an invalid file is refused and the policy in force
// stays (the bot keeps serving); a valid one replaces it.
func TestProcessReloadsThePolicyOnSIGHUP(t *testing.T) {
	f := newFixture(t)
	p := startProcess(t, f)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	p.waitReady(t, ctx, f)
	loaded, _ := p.waitLog(t, ctx, "policy loaded", 0)

	policyFile := f.env["RESETBOT_POLICY_FILE"]
	writeFile(t, policyFile, "rules: [\n")
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	_, at := p.waitLog(t, ctx, "policy reload failed; the previous policy stays in force", 0)
	if code, body := p.get(t, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d %q after a refused reload, want 200", code, body)
	}

	// A file built to exhaust the YAML parser (20 KB nested 10,000 deep) is refused the same way.
	writeFile(t, policyFile, "pools: "+strings.Repeat("[", 10000)+strings.Repeat("]", 10000)+"\n")
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	refused, at := p.waitLog(t, ctx, "policy reload failed; the previous policy stays in force", at+1)
	if !strings.Contains(fmt.Sprint(refused), "the file nests deeper than 20 levels") {
		t.Errorf("the refused reload of a deeply nested file logged %v, want the nesting named", refused)
	}
	if code, body := p.get(t, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d %q after a refused reload, want 200", code, body)
	}

	writeFile(t, policyFile, strings.Replace(readFile(t, examplePolicy), "expires_after: 4h", "expires_after: 3h", 1))
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	reloaded, _ := p.waitLog(t, ctx, "policy reloaded", at)
	if reloaded["previous_digest"] != loaded["digest"] || reloaded["digest"] == loaded["digest"] {
		t.Errorf("reload logged digest %v (previous %v); the first load was %v", reloaded["digest"], reloaded["previous_digest"], loaded["digest"])
	}
	stopProcess(t, p)
}

// TestProcessTemporaryPasswordStaysPrivate: the generated password reaches the requester alone,
// works at Cognito, and appears in no channel message and no log line.
func TestProcessTemporaryPasswordStaysPrivate(t *testing.T) {
	f := newFixture(t)
	p := startProcess(t, f, "RESETBOT_LOG_LEVEL=debug")
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	p.waitReady(t, ctx, f)

	if _, err := f.slack.SlashCommand(ctx, requester, exampleChannel, "/cognito",
		"temp-password "+targetUser+" --pool prod --ticket SUP-124 --verified-by video-call forgot it"); err != nil {
		t.Fatalf("slash command: %v", err)
	}
	c, err := f.slack.WaitMessage(ctx, exampleChannel, func(m slacktest.Message) bool {
		return m.User == f.slack.BotUserID() && strings.Contains(string(m.Blocks), `"approve"`)
	})
	if err != nil {
		t.Fatalf("waiting for the card: %v", err)
	}
	approve(t, ctx, f, c)
	secret, err := f.slack.WaitEphemeral(ctx, requester, func(e slacktest.Ephemeral) bool { return strings.Contains(e.Text, "🔑") })
	if err != nil {
		t.Fatalf("waiting for the password: %v", err)
	}
	password := passwordIn(t, secret.Content())
	waitThread(t, ctx, f, c, succeeded)

	// It is the password Cognito now holds: signing in with it asks for a new one.
	out, err := cognitoUserClient(t, f).InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(appClientID),
		AuthParameters: map[string]string{"USERNAME": targetUser, "PASSWORD": password},
	})
	if err != nil {
		t.Fatalf("signing in with the delivered password: %v", err)
	}
	if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Errorf("sign-in challenge %q, want NEW_PASSWORD_REQUIRED", out.ChallengeName)
	}

	for _, m := range f.slack.Messages(exampleChannel) {
		for _, r := range f.slack.Thread(exampleChannel, m.TS) {
			if strings.Contains(r.Content(), password) {
				t.Errorf("the password is in a channel message: %s", r.Text)
			}
		}
	}
	for _, e := range f.slack.Ephemerals(approver) {
		if strings.Contains(e.Content(), password) {
			t.Error("the approver was shown the password")
		}
	}
	stopProcess(t, p)
	if strings.Contains(p.rawLogs(), password) {
		t.Error("the password is in the log")
	}
}

// passwordIn reads the password from the private message: the code span after "eyes only".
func passwordIn(t *testing.T, text string) string {
	t.Helper()
	_, rest, ok := strings.Cut(text, "for your eyes only:")
	if !ok {
		t.Fatalf("no password in %q", text)
	}
	_, rest, ok = strings.Cut(rest, "`")
	pw, _, ok2 := strings.Cut(rest, "`")
	if !ok || !ok2 || pw == "" {
		t.Fatalf("no password in %q", text)
	}
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(pw)
}

// cognitoUserClient is an end user's Cognito client, pointed at the fake.
func cognitoUserClient(t *testing.T, f *fixture) *cip.Client {
	t.Helper()
	return cip.New(cip.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(f.cognito.URL()),
		Credentials:  credentials.NewStaticCredentialsProvider(f.env["AWS_ACCESS_KEY_ID"], f.env["AWS_SECRET_ACCESS_KEY"], ""),
	})
}

// stopProcess sends SIGTERM and expects exit status 0.
func stopProcess(t *testing.T, p *process) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	select {
	case err := <-p.exited:
		if err != nil {
			t.Errorf("resetbot exited with %v after SIGTERM, want 0", err)
		}
	case <-ctx.Done():
		t.Fatal("resetbot did not exit after SIGTERM")
	}
}
