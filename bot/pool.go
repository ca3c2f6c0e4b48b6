package bot

import (
	"sync"
	"time"
)

// Defaults of the work pool (Config.Workers, Config.QueueSize).
const (
	// DefaultWorkers is how many envelopes' work runs at once. The work mostly waits on Slack,
	// Cognito and the store, so there are many more workers than cores: a run waits on Cognito
	// for seconds, and a few hundred approvals at once each hold a worker for that long.
	DefaultWorkers = 512
	// DefaultQueueSize is how much work waits for a worker before the loop that reads Slack's
	// envelopes waits too.
	DefaultQueueSize = 10_000
)

// pool runs the work the envelopes start on at most max goroutines, taking it from a queue
// in the order it came. A full queue blocks submit: under overload the work is slower, never
// dropped, and memory stays bounded. Workers are started as work comes and end when the queue
// is empty, so an idle bot holds none.
type pool struct {
	queue chan queued
	max   int

	mu   sync.Mutex
	live int // workers running; guarded by mu

	now             func() time.Time
	observeWait     func(time.Duration)
	observeInFlight func(int)
}

// queued is one piece of work and when it was queued.
type queued struct {
	run func()
	at  time.Time
}

func newPool(workers, queueSize int, observeWait func(time.Duration), observeInFlight func(int)) *pool {
	if observeWait == nil {
		observeWait = func(time.Duration) {}
	}
	if observeInFlight == nil {
		observeInFlight = func(int) {}
	}
	return &pool{queue: make(chan queued, queueSize), max: workers, now: time.Now,
		observeWait: observeWait, observeInFlight: observeInFlight}
}

// submit queues run, waiting while the queue is full, and starts a worker if fewer than max
// run. It must not be called from the pool's own work, which could then wait on itself.
func (p *pool) submit(run func()) {
	p.queue <- queued{run: run, at: p.now()}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.live < p.max {
		p.live++
		go p.work()
	}
}

// work runs queued work until the queue is empty. The queue is checked under mu, the lock
// submit starts workers under, so that work queued as the last worker leaves gets a worker.
func (p *pool) work() {
	for {
		select {
		case q := <-p.queue:
			p.observeWait(p.now().Sub(q.at))
			p.observeInFlight(1)
			q.run()
			p.observeInFlight(-1)
		default:
			p.mu.Lock()
			if len(p.queue) == 0 {
				p.live--
				p.mu.Unlock()
				return
			}
			p.mu.Unlock()
		}
	}
}
