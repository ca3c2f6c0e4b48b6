package slacktest

import (
	"context"
	"time"
)

// FailNext makes the next call of a Web API method (e.g. "chat.postMessage") answer
// {"ok":false,"error":slackError} instead of doing its work. Calls queue: FailNext twice fails
// the next two calls.
func (s *Server) FailNext(method, slackError string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing[method] = append(s.failing[method], slackError)
}

// Latency delays every call of a Web API method by d (0 removes the delay). The delay is real
// time, so that the app's HTTP timeouts see it.
func (s *Server) Latency(method string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d <= 0 {
		delete(s.latency, method)
		return
	}
	s.latency[method] = d
}

// takeFailureLocked pops the failure queued for method, if any; s.mu held.
func (s *Server) takeFailureLocked(method string) (string, bool) {
	q := s.failing[method]
	if len(q) == 0 {
		return "", false
	}
	s.failing[method] = q[1:]
	return q[0], true
}

// delay waits for d of real time, or until ctx ends or the server closes.
func (s *Server) delay(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.closed:
		return ErrServerClosed
	}
}
