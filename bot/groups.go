package bot

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// DefaultGroupCacheTTL is how long Slack user groups are cached when no TTL is configured.
const DefaultGroupCacheTTL = 5 * time.Minute

// groupSource is what the cache reads Slack user groups from; *slack.Client implements it.
type groupSource interface {
	GetUserGroupsContext(ctx context.Context, options ...slack.GetUserGroupsOption) ([]slack.UserGroup, error)
	GetUserGroupMembersContext(ctx context.Context, userGroup string, options ...slack.GetUserGroupMembersOption) ([]string, error)
}

// groupCache knows which Slack user groups each person is in, read with usergroups.list and
// usergroups.users.list and kept for a TTL. A failed refresh keeps serving the groups read
// before, so that a Slack hiccup does not take everyone's approver rights away.
type groupCache struct {
	src groupSource
	ttl time.Duration
	now func() time.Time
	log *slog.Logger

	mu       sync.Mutex // held across a refresh: one at a time, and readers wait for it
	fetched  time.Time
	byUser   map[string][]string // user id → group ids and @handles
	byHandle map[string]string   // lower-cased @handle → group id
}

func newGroupCache(src groupSource, ttl time.Duration, now func() time.Time, log *slog.Logger) *groupCache {
	if ttl <= 0 {
		ttl = DefaultGroupCacheTTL
	}
	return &groupCache{src: src, ttl: ttl, now: now, log: log}
}

// of returns the ids and @handles of the user groups user is in, as policy.Facts.Groups and
// policy.Approver.Groups expect them.
func (g *groupCache) of(ctx context.Context, user string) ([]string, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := g.freshLocked(ctx); err != nil {
		return nil, err
	}
	return slices.Clone(g.byUser[user]), nil
}

// handleID returns the id of the group with this @handle from what was last read, without
// calling Slack (for rendering mentions).
func (g *groupCache) handleID(handle string) (string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	id, ok := g.byHandle[strings.ToLower(handle)]
	return id, ok
}

// refresh makes sure the cache is fresh; rendering calls it before it needs handles.
func (g *groupCache) refresh(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.freshLocked(ctx)
}

func (g *groupCache) freshLocked(ctx context.Context) error {
	if g.byUser != nil && g.now().Sub(g.fetched) < g.ttl {
		return nil
	}
	byUser, byHandle, err := g.read(ctx)
	if err != nil {
		if g.byUser != nil {
			g.log.WarnContext(ctx, "reading Slack user groups failed; using the groups read before",
				"read_at", g.fetched, "err", err)
			return nil
		}
		return err
	}
	g.byUser, g.byHandle, g.fetched = byUser, byHandle, g.now()
	return nil
}

func (g *groupCache) read(ctx context.Context) (map[string][]string, map[string]string, error) {
	groups, err := g.src.GetUserGroupsContext(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("list Slack user groups: %w", err)
	}
	byUser := map[string][]string{}
	byHandle := map[string]string{}
	for _, ug := range groups {
		if ug.DateDelete != 0 {
			continue
		}
		members, err := g.src.GetUserGroupMembersContext(ctx, ug.ID)
		if err != nil {
			return nil, nil, fmt.Errorf("list the members of Slack user group %s: %w", ug.ID, err)
		}
		handle := "@" + strings.ToLower(ug.Handle)
		if ug.Handle != "" {
			byHandle[handle] = ug.ID
		}
		for _, u := range members {
			byUser[u] = append(byUser[u], ug.ID)
			if ug.Handle != "" {
				byUser[u] = append(byUser[u], handle)
			}
		}
	}
	return byUser, byHandle, nil
}
