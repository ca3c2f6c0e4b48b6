package slacktest

import (
	"math"
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
	// next queues, by method, the Retry-After of 429s to answer the next calls with, whether
	// or not rate limiting is on.
	next map[string][]time.Duration
	// until is, by window key, when the last Retry-After given for it runs out.
	until map[string]time.Time
	// early counts, by method, the calls that came before a Retry-After given for their
	// window ran out.
	early map[string]int
	// refused counts, by method, the calls answered 429.
	refused map[string]int
}

type window struct {
	start time.Time
	count int
}

func newRateLimiter() *rateLimiter {
	return &rateLimiter{overrides: map[string]Limit{}, windows: map[string]*window{}, next: map[string][]time.Duration{},
		until: map[string]time.Time{}, early: map[string]int{}, refused: map[string]int{}}
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

// RateLimitNext makes the next call of a Web API method answer HTTP 429 with Retry-After
// (whole seconds, at least 1), whether or not rate limits are on. Calls queue like FailNext.
func (s *Server) RateLimitNext(method string, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits.next[method] = append(s.limits.next[method], retryAfter)
}

// RateLimited returns how many calls of a Web API method were answered 429.
func (s *Server) RateLimited(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limits.refused[method]
}

// EarlyCalls returns how many calls of a Web API method came while a Retry-After the fake had
// given for the same window (the method, and for chat.postMessage the channel) still ran: a
// client that waits out Retry-After makes none. A call already on its way when another call of
// its window got the 429 counts too, so a test asks this of calls the app sends one at a time.
func (s *Server) EarlyCalls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limits.early[method]
}

// retryAfter rounds a wait up to Slack's whole seconds, at least 1.
func retryAfter(d time.Duration) time.Duration {
	return max(time.Duration(math.Ceil(d.Seconds()))*time.Second, time.Second)
}

// rateLimitLocked checks a call to method; key narrows the window (chat.postMessage counts per
// channel). It returns whether the call may go on and, if not, its Retry-After. s.mu held.
func (s *Server) rateLimitLocked(method string, tier Tier, key string) (bool, time.Duration) {
	now, k := s.clock.Now(), method+"\x00"+key
	if now.Before(s.limits.until[k]) {
		s.limits.early[method]++
	}
	allowed, wait := true, time.Duration(0)
	if q := s.limits.next[method]; len(q) > 0 {
		s.limits.next[method] = q[1:]
		allowed, wait = false, q[0]
	} else if s.limits.enabled {
		l, ok := s.limits.overrides[method]
		if !ok {
			l = tierLimits[tier]
		}
		allowed, wait = s.limits.allow(k, l, now)
	}
	if allowed {
		return true, 0
	}
	wait = retryAfter(wait)
	s.limits.refused[method]++
	s.limits.until[k] = now.Add(wait)
	return false, wait
}
