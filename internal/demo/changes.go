package demo

import "sync"

// changes tells the page's open event streams that something they show may have changed: a
// call the bot made to Slack or Cognito, or a person's action.
type changes struct {
	mu      sync.Mutex
	version uint64
	next    chan struct{} // closed and replaced on every change
}

func newChanges() *changes { return &changes{next: make(chan struct{})} }

// bump records a change and wakes everyone waiting.
func (c *changes) bump() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.version++
	close(c.next)
	c.next = make(chan struct{})
}

// current returns the version now and a channel closed at the next change.
func (c *changes) current() (uint64, <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.version, c.next
}
