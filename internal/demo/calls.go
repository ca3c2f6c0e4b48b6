package demo

import (
	"slices"
	"sync"
	"time"
)

// maxCalls is how many Cognito calls the log keeps, newest last.
const maxCalls = 200

// Call is one call the bot made to Cognito, as the side panel shows it. It holds no argument
// and no answer: those carry passwords.
type Call struct {
	At      time.Time `json:"at"`
	Op      string    `json:"op"`
	Millis  int64     `json:"ms"`
	ErrCode string    `json:"error,omitempty"`
}

// CallLog keeps the Cognito calls the bot made. Its Observe is the Cognito client's hook.
type CallLog struct {
	now     func() time.Time
	onCall  func()
	mu      sync.Mutex
	entries []Call
}

// NewCallLog returns an empty log reading the time from now.
func NewCallLog(now func() time.Time) *CallLog {
	return &CallLog{now: now, onCall: func() {}}
}

// Observe records a call: the API action, how long it took and its AWS error code ("" when it
// succeeded).
func (l *CallLog) Observe(op string, elapsed time.Duration, errCode string) {
	l.mu.Lock()
	l.entries = append(l.entries, Call{At: l.now().UTC(), Op: op, Millis: elapsed.Milliseconds(), ErrCode: errCode})
	if len(l.entries) > maxCalls {
		l.entries = slices.Delete(l.entries, 0, len(l.entries)-maxCalls)
	}
	notify := l.onCall
	l.mu.Unlock()
	notify()
}

// Calls lists the calls, oldest first.
func (l *CallLog) Calls() []Call {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.entries)
}

// notify sets what Observe calls after recording a call.
func (l *CallLog) notify(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.onCall = f
}
