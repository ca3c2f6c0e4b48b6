package bot

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
)

// stubGroups is a hand-written stateful Slack user-group directory that counts its calls and
// fails on demand.
type stubGroups struct {
	mu      sync.Mutex
	groups  []slack.UserGroup
	members map[string][]string
	fail    error
	lists   int
	reads   int
}

func (s *stubGroups) GetUserGroupsContext(context.Context, ...slack.GetUserGroupsOption) ([]slack.UserGroup, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lists++
	if s.fail != nil {
		return nil, s.fail
	}
	return s.groups, nil
}

func (s *stubGroups) GetUserGroupMembersContext(_ context.Context, id string, _ ...slack.GetUserGroupMembersOption) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	if s.fail != nil {
		return nil, s.fail
	}
	return s.members[id], nil
}

type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestGroupCache(t *testing.T) {
	src := &stubGroups{
		groups: []slack.UserGroup{
			{ID: "S0SUPPORT", Handle: "support"},
			{ID: "S0LEADS", Handle: "Support-Leads"},
			{ID: "S0GONE", Handle: "gone", DateDelete: 1},
		},
		members: map[string][]string{"S0SUPPORT": {"U1", "U2"}, "S0LEADS": {"U2"}, "S0GONE": {"U1"}},
	}
	clock := &manualClock{now: fixedTime}
	g := newGroupCache(src, time.Minute, clock.Now, slog.New(slog.DiscardHandler))
	ctx := context.Background()

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
	if src.lists != 1 || src.reads != 2 {
		t.Errorf("within the TTL: %d lists, %d member reads; want 1 and 2", src.lists, src.reads)
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
	if src.lists != 2 {
		t.Errorf("after the TTL: %d lists, want 2", src.lists)
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
}

func TestGroupCacheFirstReadFails(t *testing.T) {
	src := &stubGroups{fail: errors.New("invalid_auth")}
	g := newGroupCache(src, 0, time.Now, slog.New(slog.DiscardHandler))
	if _, err := g.of(context.Background(), "U1"); err == nil {
		t.Fatal("no error when Slack's groups could not be read at all")
	}
	if g.ttl != DefaultGroupCacheTTL {
		t.Errorf("ttl = %v, want the default", g.ttl)
	}
}
