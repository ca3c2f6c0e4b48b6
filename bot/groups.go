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

// Limits on serving user groups read before, when reading them again fails.
const (
	// groupRetryAfter is how long a failed read waits before the next try, so that a Slack
	// outage or a rate limit is not met with a call per envelope.
	groupRetryAfter = 30 * time.Second
	// maxGroupStaleness is how old the groups read before may grow while reads keep failing:
	// past it, nobody's rights rest on them any more (someone taken out of an approvers'
	// group must not keep approving through a long outage).
	maxGroupStaleness = time.Hour
)

// groupSource is what the cache reads Slack user groups from; *slack.Client implements it.
type groupSource interface {
	GetUserGroupsContext(ctx context.Context, options ...slack.GetUserGroupsOption) ([]slack.UserGroup, error)
}

// groupCache knows which Slack user groups each person is in, read with one usergroups.list
// call that includes each group's members, and kept for a TTL. A failed read keeps serving
// the groups read before (for at most maxGroupStaleness), so that a Slack hiccup does not
// take everyone's approver rights away.
//
// One read runs at a time. Someone who needs the groups while a read is running gets the
// groups read before at once, or, when there are none yet, waits for the read no longer than
// their context allows: a modal submission is checked under a deadline that a slow read must
// not break.
type groupCache struct {
	src groupSource
	ttl time.Duration
	now func() time.Time
	log *slog.Logger

	reading chan struct{} // holds a token while a read runs

	mu       sync.Mutex // guards what follows; never held across a call to Slack
	fetched  time.Time  // when the groups held were read; zero before the first read
	retryAt  time.Time  // no read before this, after a failed one
	byUser   map[string][]string
	byHandle map[string]string // lower-cased @handle → group id
}

func newGroupCache(src groupSource, ttl time.Duration, now func() time.Time, log *slog.Logger) *groupCache {
	if ttl <= 0 {
		ttl = DefaultGroupCacheTTL
	}
	return &groupCache{src: src, ttl: ttl, now: now, log: log, reading: make(chan struct{}, 1)}
}

// of returns the ids and @handles of the user groups user is in, as policy.Facts.Groups and
// policy.Approver.Groups expect them.
func (g *groupCache) of(ctx context.Context, user string) ([]string, error) {
	if err := g.refresh(ctx); err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
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

// state says whether the groups held are fresh, whether they may still be served while a read
// fails or runs (usable), and whether a read may be tried now (retry).
func (g *groupCache) state() (fresh, usable, retry bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	held := !g.fetched.IsZero()
	age := now.Sub(g.fetched)
	return held && age < g.ttl, held && age < maxGroupStaleness, !now.Before(g.retryAt)
}

// refresh makes sure the groups are fresh enough to serve, reading them when they are not.
func (g *groupCache) refresh(ctx context.Context) error {
	fresh, usable, retry := g.state()
	if fresh || (usable && !retry) {
		return nil
	}
	select {
	case g.reading <- struct{}{}:
	default:
		if usable {
			return nil // a read is running; serve what it will replace
		}
		select {
		case g.reading <- struct{}{}:
		case <-ctx.Done():
			return fmt.Errorf("wait for Slack user groups to be read: %w", context.Cause(ctx))
		}
	}
	defer func() { <-g.reading }()
	if fresh, usable, retry = g.state(); fresh || (usable && !retry) {
		return nil // read while this one waited
	}
	byUser, byHandle, err := g.read(ctx)
	g.mu.Lock()
	defer g.mu.Unlock()
	if err != nil {
		g.retryAt = g.now().Add(groupRetryAfter)
		if usable {
			g.log.WarnContext(ctx, "reading Slack user groups failed; using the groups read before",
				"read_at", g.fetched, "err", err)
			return nil
		}
		return err
	}
	g.byUser, g.byHandle, g.fetched, g.retryAt = byUser, byHandle, g.now(), time.Time{}
	return nil
}

func (g *groupCache) read(ctx context.Context) (map[string][]string, map[string]string, error) {
	groups, err := g.src.GetUserGroupsContext(ctx, slack.GetUserGroupsOptionIncludeUsers(true))
	if err != nil {
		return nil, nil, fmt.Errorf("list Slack user groups: %w", err)
	}
	byUser := map[string][]string{}
	byHandle := map[string]string{}
	for _, ug := range groups {
		if ug.DateDelete != 0 {
			continue
		}
		handle := "@" + strings.ToLower(ug.Handle)
		if ug.Handle != "" {
			byHandle[handle] = ug.ID
		}
		for _, u := range ug.Users {
			byUser[u] = append(byUser[u], ug.ID)
			if ug.Handle != "" {
				byUser[u] = append(byUser[u], handle)
			}
		}
	}
	return byUser, byHandle, nil
}

// members lists the users in the user group an approver entry names (a group id, or an
// @handle in any case), from what was last read, without calling Slack.
func (g *groupCache) members(principal string) []string {
	if strings.HasPrefix(principal, "@") {
		principal = strings.ToLower(principal)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for user, groups := range g.byUser {
		if slices.Contains(groups, principal) {
			out = append(out, user)
		}
	}
	slices.Sort(out)
	return out
}
