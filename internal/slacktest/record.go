package slacktest

import (
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

// recordedBody is a body as the fake received it. Record redacts and decodes it when it is read,
// not while a call is answered: under load, most bodies are never read.
type recordedBody struct {
	kind    string
	at      time.Time
	body    []byte
	strings func() []string // the body's values decoded (Request.Strings)
}

// recordLocked appends a received body to the record; s.mu held. body is not changed after.
func (s *Server) recordLocked(kind string, body []byte, strs func() []string) {
	s.received++
	if s.cfg.noRecord {
		return
	}
	s.record = append(s.record, recordedBody{kind: kind, at: s.clock.Now(), body: body, strings: strs})
}

// jsonStrings decodes a JSON body's strings, when called.
func jsonStrings(body []byte) func() []string {
	return func() []string { return appendJSONStrings(nil, body, 0) }
}

// Received is how many bodies the fake has received from the app (Web API calls, response_url
// posts, acks), recorded or not: a count that moves whenever the app sent something, without
// reading the record.
func (s *Server) Received() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.received
}

// Record returns every body the fake received from the app, oldest first (none for a Server
// started WithoutRecord).
func (s *Server) Record() []Request {
	s.mu.Lock()
	rec := slices.Clone(s.record)
	s.mu.Unlock()
	out := make([]Request, len(rec))
	for i, r := range rec {
		out[i] = Request{Kind: r.kind, At: r.at, Body: redactToken(string(r.body)), Strings: r.strings()}
	}
	return out
}

// redactToken replaces the value of every token form argument in body with REDACTED.
func redactToken(body string) string {
	if !strings.Contains(body, "token=") {
		return body
	}
	args := strings.Split(body, "&")
	for i, a := range args {
		if strings.HasPrefix(a, "token=") {
			args[i] = "token=REDACTED"
		}
	}
	return strings.Join(args, "&")
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
