package slacktest

import (
	"time"
)

// Tier is a Web API rate-limit tier.
type Tier int

// Slack's rate-limit tiers.
const (
	Tier1           Tier = iota + 1 // 1+ per minute
	Tier2                           // 20+ per minute
	Tier3                           // 50+ per minute
	Tier4                           // 100+ per minute
	TierPostMessage                 // chat.postMessage: about one per second per channel, short bursts allowed
)

// Limit is a number of calls allowed per window.
type Limit struct {
	Calls  int
	Window time.Duration
}

// tierLimits are the limits of each tier when rate limiting is on.
var tierLimits = map[Tier]Limit{
	Tier1:           {Calls: 1, Window: time.Minute},
	Tier2:           {Calls: 20, Window: time.Minute},
	Tier3:           {Calls: 50, Window: time.Minute},
	Tier4:           {Calls: 100, Window: time.Minute},
	TierPostMessage: {Calls: 60, Window: time.Minute},
}

// rateLimiter counts calls in fixed windows on the server clock. Guarded by Server.mu.
type rateLimiter struct {
	enabled   bool
	overrides map[string]Limit // method → limit
	windows   map[string]*window
}

type window struct {
	start time.Time
	count int
}

func newRateLimiter() *rateLimiter {
	return &rateLimiter{overrides: map[string]Limit{}, windows: map[string]*window{}}
}

// allow counts a call under key and reports whether it is within the limit; if not, it also
// returns how long until the window resets.
func (r *rateLimiter) allow(key string, l Limit, now time.Time) (bool, time.Duration) {
	w, ok := r.windows[key]
	if !ok || !now.Before(w.start.Add(l.Window)) {
		w = &window{start: now}
		r.windows[key] = w
	}
	if w.count >= l.Calls {
		return false, w.start.Add(l.Window).Sub(now)
	}
	w.count++
	return true, 0
}

// SetRateLimits switches Slack's per-tier rate limits on or off (off by default). While on,
// a call over its method's limit gets HTTP 429 with Retry-After and error "ratelimited".
// Windows run on the server clock. Switching resets the counts.
func (s *Server) SetRateLimits(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits.enabled = on
	s.limits.windows = map[string]*window{}
}

// SetRateLimit overrides one method's limit (and switches rate limiting on).
func (s *Server) SetRateLimit(method string, l Limit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits.enabled = true
	s.limits.overrides[method] = l
	s.limits.windows = map[string]*window{}
}

// rateLimitLocked checks a call to method; key narrows the window (chat.postMessage counts per
// channel). s.mu held.
func (s *Server) rateLimitLocked(method string, tier Tier, key string) (bool, time.Duration) {
	if !s.limits.enabled {
		return true, 0
	}
	l, ok := s.limits.overrides[method]
	if !ok {
		l = tierLimits[tier]
	}
	return s.limits.allow(method+"\x00"+key, l, s.clock.Now())
}
