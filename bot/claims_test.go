package bot

import (
	"context"
	"sync"
	"time"
)

// memClaims is an in-memory EnvelopeClaims for tests that run one bot on no store.
type memClaims struct {
	mu  sync.Mutex
	ids map[string]bool
}

func newMemClaims() *memClaims { return &memClaims{ids: map[string]bool{}} }

func (m *memClaims) ClaimEnvelope(_ context.Context, id string, _ time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ids[id] {
		return false, nil
	}
	m.ids[id] = true
	return true, nil
}
