package bot

import "sync"

// seenEnvelopesSize is how many envelope ids the bot remembers: far more than Slack can
// deliver between sending an envelope and sending it again.
const seenEnvelopesSize = 4096

// seenEnvelopes remembers the ids of the latest envelopes, so that one Slack delivers twice
// (delivery is at least once: an envelope can come again over a new connection while Slack
// rotates them) is handled once.
type seenEnvelopes struct {
	mu   sync.Mutex
	ids  map[string]bool
	ring []string // the ids remembered, oldest replaced first
	next int
}

func newSeenEnvelopes(size int) *seenEnvelopes {
	return &seenEnvelopes{ids: make(map[string]bool, size), ring: make([]string, size)}
}

// first reports whether id is seen for the first time, and remembers it.
func (s *seenEnvelopes) first(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids[id] {
		return false
	}
	if old := s.ring[s.next]; old != "" {
		delete(s.ids, old)
	}
	s.ring[s.next] = id
	s.next = (s.next + 1) % len(s.ring)
	s.ids[id] = true
	return true
}
