// Package purge says when a store next deletes the envelope claims that have expired. A claim
// older than approval.EnvelopeClaimTTL already counts as no claim (the claim statement of each
// store takes its id again), so the purge only keeps the table small: once a minute is enough,
// instead of a DELETE with every claim.
package purge

import (
	"sync"
	"time"
)

// Every is how often a process purges expired envelope claims.
const Every = time.Minute

// Schedule says when the next purge is due. Its zero value has one due at once.
type Schedule struct {
	mu   sync.Mutex
	next time.Time
}

// Due reports whether a purge is due at t, and if so puts the next one Every later.
func (p *Schedule) Due(t time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t.Before(p.next) {
		return false
	}
	p.next = t.Add(Every)
	return true
}

// Failed makes the next claim purge again.
func (p *Schedule) Failed() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next = time.Time{}
}
