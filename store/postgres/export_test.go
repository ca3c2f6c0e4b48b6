package postgres

// WithoutIdlePing makes the pool hand out idle connections without pinging them first, as it
// does any connection used within the last second: a test then meets the connections a
// restart broke, whatever the restart took.
func WithoutIdlePing(c Config) Config {
	c.noIdlePing = true
	return c
}

// EventQuery is the SELECT that ScanEvents runs for a filter, for tests that read its plan.
var EventQuery = eventQuery

// BehindSQL is the SELECT that CardsBehind runs, for the test that reads its plan.
const BehindSQL = behindSQL

// PendingSQL is the SELECT that Pending and EachPending run, for the test that reads its plan.
const PendingSQL = pendingSQL
