package slacktest

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// Request is one body the fake received from the app: a Web API call, a response_url post or
// a Socket Mode ack.
type Request struct {
	// Kind is the Web API method ("chat.postMessage"), "response_url" or "ack".
	Kind string    `json:"kind"`
	At   time.Time `json:"at"`
	// Body is the body as sent, with the token argument redacted.
	Body string `json:"body"`
	// Strings are the body's values decoded: form values unescaped, JSON string leaves
	// unescaped, JSON nested in a value expanded. Tokens are left out.
	Strings []string `json:"strings"`
}

// tokenArg matches a token form argument, to redact it from recorded bodies.
var tokenArg = regexp.MustCompile(`(^|&)token=[^&]*`)

// recordLocked appends a received body to the record; s.mu held.
func (s *Server) recordLocked(kind string, body []byte, strs []string) {
	b := tokenArg.ReplaceAllString(string(body), "${1}token=REDACTED")
	s.record = append(s.record, Request{Kind: kind, At: s.clock.Now(), Body: b, Strings: strs})
}

// Record returns every body the fake received from the app, oldest first.
func (s *Server) Record() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.record))
	for i, r := range s.record {
		r.Strings = slices.Clone(r.Strings)
		out[i] = r
	}
	return out
}

// AllText returns, as one string, every body the fake received from the app (Web API calls,
// response_url posts, acks) both as sent and decoded: a secret that appears in any of them,
// escaped or not, appears in AllText. Use it to prove a secret never reached Slack.
func (s *Server) AllText() string {
	var b strings.Builder
	for _, r := range s.Record() {
		b.WriteString(r.Kind)
		b.WriteByte('\n')
		b.WriteString(r.Body)
		b.WriteByte('\n')
		for _, str := range r.Strings {
			b.WriteString(str)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// Calls returns how many times the Web API method was called.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}
