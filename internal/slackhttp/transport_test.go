package slackhttp_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
	"go.uber.org/goleak"

	"github.com/resetbot/resetbot/internal/slackhttp"
	"github.com/resetbot/resetbot/internal/slacktest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	alice   = "U0ALICE"
	support = "C0SUPPORT"
	lobby   = "C0LOBBY" // the bot is not in it
)

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// stepWhileWaiting advances the clock a second at a time whenever a call sleeps on it, until
// done reports true.
func stepWhileWaiting(t *testing.T, clock *slacktest.FakeClock, done func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := clock.AdvanceWhileSleeping(ctx, time.Second, done); err != nil {
		t.Fatalf("the calls did not finish: %v", err)
	}
}

type fixture struct {
	srv    *slacktest.Server
	clock  *slacktest.FakeClock
	client *slack.Client
	// retries are what ObserveRetry was told, "method reason" → count.
	mu      sync.Mutex
	retries map[string]int
}

func newFixture(t *testing.T, cfg slackhttp.Config) *fixture {
	t.Helper()
	f := &fixture{clock: slacktest.NewFakeClock(epoch), retries: map[string]int{}}
	srv, err := slacktest.Start(slacktest.WithClock(f.clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	srv.AddUser(slacktest.User{ID: alice, Name: "alice"})
	srv.AddChannel(support, "support", alice, srv.BotUserID())
	srv.AddChannel(lobby, "lobby", alice)
	f.srv = srv
	f.client = f.clientTo(t, srv.APIURL(), cfg)
	return f
}

// clientTo is slack-go's client of the fake's bot, through a Transport.
func (f *fixture) clientTo(t *testing.T, apiURL string, cfg slackhttp.Config) *slack.Client {
	t.Helper()
	cfg.Logger = slog.New(slog.DiscardHandler)
	cfg.Now, cfg.Sleep = f.clock.Now, f.clock.Sleep
	cfg.ObserveRetry = func(method, reason string) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.retries[method+" "+reason]++
	}
	tr, err := slackhttp.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return slack.New(f.srv.BotToken(), slack.OptionAPIURL(apiURL), slack.OptionHTTPClient(&http.Client{Transport: tr}))
}

func (f *fixture) retried() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.retries
}

// TestBurstInOneChannel: more posts in one channel than its rate limit lets through are all
// posted, each after the Retry-After Slack gave, none withdrawn.
func TestBurstInOneChannel(t *testing.T) {
	f := newFixture(t, slackhttp.Config{})
	f.srv.SetRateLimit("chat.postMessage", slacktest.Limit{Calls: 3, Window: time.Second})
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, _, err := f.client.PostMessageContext(t.Context(), support, slack.MsgOptionText(fmt.Sprintf("card %d", i), false))
			errs <- err
		})
	}
	var finished atomic.Bool
	go func() { wg.Wait(); finished.Store(true) }()
	stepWhileWaiting(t, f.clock, finished.Load)
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("post: %v", err)
		}
	}
	got := map[string]int{"posted": len(f.srv.Messages(support)), "early": f.srv.EarlyCalls("chat.postMessage")}
	if diff := cmp.Diff(got, map[string]int{"posted": n, "early": 0}); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	if f.srv.RateLimited("chat.postMessage") == 0 {
		t.Error("Slack never rate-limited the burst: the test proves nothing")
	}
	// Each post sent again after a 429 carried its own form whole.
	var texts, want []string
	for i, m := range f.srv.Messages(support) {
		texts, want = append(texts, m.Text), append(want, fmt.Sprintf("card %d", i))
	}
	slices.Sort(texts)
	slices.Sort(want)
	if diff := cmp.Diff(texts, want); diff != "" {
		t.Errorf("texts posted (-got +want):\n%s", diff)
	}
}

// TestOrderKeptInAChannel: a post made while an earlier one in the same channel waits out a
// rate limit waits behind it, and they arrive in the order they were made.
func TestOrderKeptInAChannel(t *testing.T) {
	f := newFixture(t, slackhttp.Config{})
	f.srv.RateLimitNext("chat.postMessage", 3*time.Second)
	first := make(chan error, 1)
	go func() {
		_, _, err := f.client.PostMessageContext(t.Context(), support, slack.MsgOptionText("card", false))
		first <- err
	}()
	for f.clock.Sleepers() == 0 {
		time.Sleep(time.Millisecond)
	}
	second := make(chan error, 1)
	go func() {
		_, _, err := f.client.PostMessageContext(t.Context(), support, slack.MsgOptionText("reply", false))
		second <- err
	}()
	other := make(chan error, 1)
	go func() {
		_, _, err := f.client.PostMessageContext(t.Context(), alice, slack.MsgOptionText("elsewhere", false))
		other <- err
	}()
	if err := <-other; err != nil {
		t.Fatalf("a post in another channel: %v", err)
	}
	f.clock.Advance(3 * time.Second)
	for _, c := range []chan error{first, second} {
		if err := <-c; err != nil {
			t.Fatal(err)
		}
	}
	var texts []string
	for _, m := range f.srv.Messages(support) {
		texts = append(texts, m.Text)
	}
	if diff := cmp.Diff(texts, []string{"card", "reply"}); diff != "" {
		t.Errorf("messages (-got +want):\n%s", diff)
	}
	if n := f.srv.EarlyCalls("chat.postMessage"); n != 0 {
		t.Errorf("%d calls before Retry-After", n)
	}
}

// TestRefusalsForGoodPassThrough: an answer Slack means for good is not sent again.
func TestRefusalsForGoodPassThrough(t *testing.T) {
	f := newFixture(t, slackhttp.Config{})
	_, _, err := f.client.PostMessageContext(t.Context(), lobby, slack.MsgOptionText("card", false))
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "not_in_channel" {
		t.Fatalf("post in a channel without the bot: %v, want not_in_channel", err)
	}
	if n := f.srv.Calls("chat.postMessage"); n != 1 {
		t.Errorf("chat.postMessage called %d times, want 1", n)
	}
}

// TestDeadlineBeforeRetryAfter: when the call's deadline comes before Slack's Retry-After,
// the call ends at once with Slack's rate-limit answer, without a second call.
func TestDeadlineBeforeRetryAfter(t *testing.T) {
	f := newFixture(t, slackhttp.Config{})
	f.srv.RateLimitNext("users.info", 30*time.Second)
	c := f.clientTo(t, f.srv.APIURL(), slackhttp.Config{CallTimeout: 10 * time.Second})
	_, err := c.GetUserInfoContext(t.Context(), alice)
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 30*time.Second {
		t.Fatalf("users.info: %v, want Slack's rate limit", err)
	}
	if n := f.srv.Calls("users.info"); n != 1 {
		t.Errorf("users.info called %d times, want 1", n)
	}
}

// TestServerErrorsRetried: a 5xx from Slack is tried again after a backoff.
func TestServerErrorsRetried(t *testing.T) {
	f := newFixture(t, slackhttp.Config{})
	target, err := url.Parse(f.srv.APIURL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
	var failures atomic.Int64
	failures.Store(2)
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failures.Add(-1) >= 0 {
			http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(flaky.Close)
	c := f.clientTo(t, flaky.URL+target.Path, slackhttp.Config{})
	done := make(chan error, 1)
	go func() {
		_, _, err := c.PostMessageContext(t.Context(), support, slack.MsgOptionText("card", false))
		done <- err
	}()
	var finished atomic.Bool
	var postErr error
	go func() { postErr = <-done; finished.Store(true) }()
	stepWhileWaiting(t, f.clock, finished.Load)
	if postErr != nil {
		t.Fatal(postErr)
	}
	if diff := cmp.Diff(f.retried(), map[string]int{"chat.postMessage server_error": 2}); diff != "" {
		t.Errorf("retries (-got +want):\n%s", diff)
	}
	if n := len(f.srv.Messages(support)); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}
