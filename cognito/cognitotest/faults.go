package cognitotest

import (
	"net/http"
	"time"
)

// Fault makes calls fail the way Cognito fails them.
type Fault struct {
	// Op is the operation that fails (e.g. "DescribeUserPool"); "" matches every operation.
	Op string
	// Code is the AWS error code, e.g. "AccessDeniedException" or "TooManyRequestsException".
	Code string
	// Message is the error message; a generic one when empty.
	Message string
	// Status is the HTTP status; 400 when zero (500 for InternalErrorException).
	Status int
	// Times is how many matching calls fail; zero means every one until ClearFaults.
	Times int
	// Hangup carries the call out and then closes the connection without answering, as when
	// the connection is lost after Cognito acted: the caller cannot know it happened. Code,
	// Message and Status are not used.
	Hangup bool
}

// Inject makes matching calls fail. Faults are tried in the order injected; a call consumes the
// first that matches.
func (s *Server) Inject(f Fault) {
	if f.Message == "" {
		f.Message = "Injected " + f.Code + "."
	}
	if f.Status == 0 {
		f.Status = http.StatusBadRequest
		if f.Code == "InternalErrorException" {
			f.Status = http.StatusInternalServerError
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// Throttle answers the next n calls with TooManyRequestsException, as Cognito does when a
// quota is exceeded.
func (s *Server) Throttle(n int) {
	s.Inject(Fault{Code: "TooManyRequestsException", Message: "Too many requests", Times: n})
}

// FailInternal answers the next n calls with InternalErrorException (HTTP 500).
func (s *Server) FailInternal(n int) {
	s.Inject(Fault{Code: "InternalErrorException", Message: "Internal server error.", Times: n})
}

// SetLatency holds every call for d before answering it (0 turns it off). A call whose client
// gives up first gets no answer.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// ClearFaults removes every injected fault and the latency.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.latency = 0
}

// arrive counts a call of op and returns the fault it consumes, if any, and how long to hold it.
func (s *Server) arrive(op string) (*apiError, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[op]++
	for i, f := range s.faults {
		if f.Op != "" && f.Op != op {
			continue
		}
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return &apiError{Code: f.Code, Message: f.Message, Status: f.Status, hangup: f.Hangup}, s.latency
	}
	return nil, s.latency
}
