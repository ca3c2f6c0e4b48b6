package loadtest

import (
	"sync"
	"time"

	"github.com/resetbot/resetbot/cognito/cognitotest"
)

// resetLog counts the resets the fake Cognito completed: each sends the user a code once the
// call's latency has passed and the reset is made.
type resetLog struct {
	mu   sync.Mutex
	n    int
	last time.Time
}

// sent is the fake Cognito's message hook.
func (l *resetLog) sent(m cognitotest.Message) {
	if m.Trigger != "AdminResetUserPassword" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	l.last = time.Now()
}

// count is how many resets completed.
func (l *resetLog) count() int {
	n, _ := l.done()
	return n
}

// done is how many resets completed, and when the last did.
func (l *resetLog) done() (int, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n, l.last
}
