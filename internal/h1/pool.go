package h1

import (
	"slices"
	"sync"
	"time"
)

// pool holds the idle connections, at most max of them over all hosts, each closed once idle
// for longer than timeout. The most recently used connection of a host is used first, so
// that under a falling load the others age out.
type pool struct {
	max     int
	timeout time.Duration
	now     func() time.Time

	mu   sync.Mutex
	idle map[key][]*conn
	n    int
}

func (p *pool) init(maxIdle int, timeout time.Duration) {
	p.max, p.timeout, p.now = maxIdle, timeout, time.Now
	p.idle = map[key][]*conn{}
}

// take removes and returns the idle connection of k used last, nil when there is none.
func (p *pool) take(k key) *conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	list := p.idle[k]
	if len(list) == 0 {
		return nil
	}
	c := list[len(list)-1]
	list[len(list)-1] = nil
	p.idle[k] = list[:len(list)-1]
	p.n--
	c.idle = false
	c.timer.Stop()
	return c
}

// put keeps c for reuse, or closes it when the pool is full.
func (p *pool) put(c *conn) {
	p.mu.Lock()
	if p.n >= p.max {
		p.mu.Unlock()
		c.close()
		return
	}
	p.idle[c.key] = append(p.idle[c.key], c)
	p.n++
	c.idle = true
	c.idleSince = p.now()
	if c.timer == nil {
		c.timer = time.AfterFunc(p.timeout, func() { p.expire(c) })
	} else {
		c.timer.Reset(p.timeout)
	}
	p.mu.Unlock()
}

// expire closes c if it is still idle and has been for the timeout (its timer may have fired
// for an earlier idle period while c was being taken).
func (p *pool) expire(c *conn) {
	p.mu.Lock()
	if !c.idle || p.now().Sub(c.idleSince) < p.timeout {
		p.mu.Unlock()
		return
	}
	p.idle[c.key] = slices.DeleteFunc(p.idle[c.key], func(o *conn) bool { return o == c })
	p.n--
	c.idle = false
	p.mu.Unlock()
	c.close()
}

// closeAll closes every idle connection.
func (p *pool) closeAll() {
	p.mu.Lock()
	var all []*conn
	for k, list := range p.idle {
		for _, c := range list {
			c.idle = false
			c.timer.Stop()
		}
		all = append(all, list...)
		delete(p.idle, k)
	}
	p.n = 0
	p.mu.Unlock()
	for _, c := range all {
		c.close()
	}
}

// count is how many connections are idle.
func (p *pool) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}
