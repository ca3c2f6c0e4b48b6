package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/internal/fakeclock"
	"github.com/resetbot/resetbot/internal/slacktest"
)

// stubGroups is a hand-written stateful Slack user-group directory: it answers
// usergroups.list as Slack does (members only when asked for), counts its calls, fails on
// demand and, when block is set, holds each call until block is closed.
type stubGroups struct {
	mu      sync.Mutex
	groups  []slack.UserGroup
	members map[string][]string
	fail    error
	block   chan struct{}
	lists   int
}

func (s *stubGroups) GetUserGroupsContext(ctx context.Context, options ...slack.GetUserGroupsOption) ([]slack.UserGroup, error) {
	s.mu.Lock()
	s.lists++
	block := s.block
	s.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return nil, s.fail
	}
	var params slack.GetUserGroupsParams
	for _, o := range options {
		o(&params)
	}
	out := slices.Clone(s.groups)
	for i := range out {
		if params.IncludeUsers {
			out[i].Users = slices.Clone(s.members[out[i].ID])
		}
	}
	return out, nil
}

func (s *stubGroups) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lists
}

// manualClock is the tests' fake clock.
type manualClock = fakeclock.Clock

func TestGroupCache(t *testing.T) {
	src := &stubGroups{
		groups: []slack.UserGroup{
			{ID: "S0SUPPORT", Handle: "support"},
			{ID: "S0LEADS", Handle: "Support-Leads"},
			{ID: "S0GONE", Handle: "gone", DateDelete: 1},
		},
		members: map[string][]string{"S0SUPPORT": {"U1", "U2"}, "S0LEADS": {"U2"}, "S0GONE": {"U1"}},
	}
	clock := fakeclock.New(fixedTime)
	g := newGroupCache(src, time.Minute, clock.Now, slog.New(slog.DiscardHandler))
	ctx := t.Context()

	got, err := g.of(ctx, "U2")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, []string{"S0SUPPORT", "@support", "S0LEADS", "@support-leads"}); diff != "" {
		t.Errorf("groups of U2 (-got +want):\n%s", diff)
	}
	if got, _ := g.of(ctx, "U3"); len(got) != 0 {
		t.Errorf("groups of U3 = %v, want none", got)
	}
	if id, ok := g.handleID("@SUPPORT-leads"); !ok || id != "S0LEADS" {
		t.Errorf("handleID = %q %v, want S0LEADS", id, ok)
	}
	if _, ok := g.handleID("@gone"); ok {
		t.Error("a deleted group's handle resolved")
	}
	if src.calls() != 1 {
		t.Errorf("within the TTL: %d reads, want 1", src.calls())
	}

	// After the TTL the groups are read again, and changes show.
	src.mu.Lock()
	src.members["S0LEADS"] = []string{"U1"}
	src.mu.Unlock()
	clock.Advance(time.Minute)
	got, _ = g.of(ctx, "U1")
	if diff := cmp.Diff(got, []string{"S0SUPPORT", "@support", "S0LEADS", "@support-leads"}); diff != "" {
		t.Errorf("groups of U1 after refresh (-got +want):\n%s", diff)
	}
	if src.calls() != 2 {
		t.Errorf("after the TTL: %d reads, want 2", src.calls())
	}

	// A failed refresh keeps what was read before.
	src.mu.Lock()
	src.fail = errors.New("ratelimited")
	src.mu.Unlock()
	clock.Advance(time.Minute)
	got, err = g.of(ctx, "U1")
	if err != nil || len(got) != 4 {
		t.Errorf("after a failed refresh: %v, %v; want the old groups", got, err)
	}
	// Slack is not asked again at once; a while later it is.
	if _, err := g.of(ctx, "U1"); err != nil || src.calls() != 3 {
		t.Errorf("right after a failed read: %v, %d reads; want the old groups and no new read", err, src.calls())
	}
	clock.Advance(groupRetryAfter)
	if _, err := g.of(ctx, "U1"); err != nil || src.calls() != 4 {
		t.Errorf("a while after a failed read: %v, %d reads; want the old groups and a new read", err, src.calls())
	}
	// Groups read too long ago are not served any more: rights stop resting on them.
	clock.Advance(maxGroupStaleness)
	if got, err := g.of(ctx, "U1"); err == nil {
		t.Errorf("groups read %v ago served: %v", maxGroupStaleness, got)
	}
	// Once Slack answers again, so does the cache.
	src.mu.Lock()
	src.fail = nil
	src.mu.Unlock()
	if got, err := g.of(ctx, "U1"); err != nil || len(got) != 4 {
		t.Errorf("after Slack recovered: %v, %v", got, err)
	}
}

// TestGroupCacheDoesNotMakeCallersWaitPastTheirDeadline holds a read of Slack's groups and
// checks that others who need the groups meanwhile are answered within their own deadline:
// with the groups read before when there are some, with an error when there are none.
func TestGroupCacheDoesNotMakeCallersWaitPastTheirDeadline(t *testing.T) {
	src := &stubGroups{groups: []slack.UserGroup{{ID: "S0LEADS", Handle: "leads"}}, members: map[string][]string{"S0LEADS": {"U1"}}}
	clock := fakeclock.New(fixedTime)
	g := newGroupCache(src, time.Minute, clock.Now, slog.New(slog.DiscardHandler))
	ctx := t.Context()

	// hold starts a read that Slack does not answer until the returned func is called.
	hold := func() func() {
		src.mu.Lock()
		src.block = make(chan struct{})
		release := src.block
		src.mu.Unlock()
		calls := src.calls()
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, _ = g.of(ctx, "U1")
		}()
		for src.calls() == calls {
			runtime.Gosched()
		}
		return func() {
			src.mu.Lock()
			src.block = nil
			src.mu.Unlock()
			close(release)
			<-done
		}
	}
	// within runs of with a deadline and fails the test if it is still waiting long after.
	within := func(ctx context.Context) ([]string, error) {
		type result struct {
			groups []string
			err    error
		}
		res := make(chan result, 1)
		go func() {
			gs, err := g.of(ctx, "U1")
			res <- result{gs, err}
		}()
		select {
		case r := <-res:
			return r.groups, r.err
		case <-time.After(10 * time.Second):
			t.Fatal("a caller waited past its deadline for a read held by someone else")
			return nil, nil
		}
	}

	release := hold()
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if got, err := within(short); err == nil {
		t.Errorf("with nothing read yet and a read held: %v, want an error", got)
	}
	release()

	clock.Advance(time.Minute)
	release = hold()
	defer release()
	if got, err := within(ctx); err != nil || !slices.Equal(got, []string{"S0LEADS", "@leads"}) {
		t.Errorf("with a read held: %v, %v; want the groups read before at once", got, err)
	}
}

// TestGroupCacheReadsEveryGroupInOneCall reads a workspace with more user groups than Slack
// answers usergroups.users.list calls for in a minute, with Slack's rate limits on.
func TestGroupCacheReadsEveryGroupInOneCall(t *testing.T) {
	fs, err := slacktest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fs.Close)
	fs.AddUser(slacktest.User{ID: "U0ALICE", Name: "alice"})
	var want []string
	for i := range 60 {
		id, handle := fmt.Sprintf("S%04d", i), fmt.Sprintf("team-%d", i)
		fs.AddUserGroup(id, handle, "U0ALICE")
		want = append(want, id, "@"+handle)
	}
	fs.SetRateLimits(true)
	client := slack.New(fs.BotToken(), slack.OptionAPIURL(fs.APIURL()))
	g := newGroupCache(client, 0, time.Now, slog.New(slog.DiscardHandler))
	got, err := g.of(t.Context(), "U0ALICE")
	if err != nil {
		t.Fatalf("reading 60 user groups: %v", err)
	}
	slices.Sort(got)
	slices.Sort(want)
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("groups (-got +want):\n%s", diff)
	}
}

func TestGroupCacheFirstReadFails(t *testing.T) {
	src := &stubGroups{fail: errors.New("invalid_auth")}
	g := newGroupCache(src, 0, time.Now, slog.New(slog.DiscardHandler))
	if _, err := g.of(t.Context(), "U1"); err == nil {
		t.Fatal("no error when Slack's groups could not be read at all")
	}
	if g.ttl != DefaultGroupCacheTTL {
		t.Errorf("ttl = %v, want the default", g.ttl)
	}
}
