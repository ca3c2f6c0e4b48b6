package approval

import (
	"context"
	"time"
)

// retrying is how a store call that fails while the store is briefly away is tried again:
// the wait between tries doubles from first to most, never past until on the service's
// clock, and trying stops at until, after tries tries (0: no bound), or at once on an error
// of code final.
type retrying struct {
	first, most time.Duration
	until       time.Time
	tries       int
	final       string
	// waiting, when set, is told of each wait before it starts.
	waiting func(attempt int, wait time.Duration, err error)
}

// retry calls try until it succeeds or fails with p's final code, and returns its answer; when
// trying stops on another error (at p's deadline, after its last try, or when ctx ends a
// wait), it returns that error and no request.
func (s *Service) retry(ctx context.Context, p retrying, try func() (*Request, error)) (*Request, error) {
	wait := p.first
	for attempt := 1; ; attempt++ {
		r, err := try()
		if err == nil || ErrorCode(err) == p.final {
			return r, err
		}
		left := p.until.Sub(s.now())
		if attempt == p.tries || left <= 0 {
			return nil, err
		}
		wait = min(wait, left)
		if p.waiting != nil {
			p.waiting(attempt, wait, err)
		}
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, err
		}
		wait = min(2*wait, p.most)
	}
}
