package sqlite

// BehindSQL is the SELECT that CardsBehind runs, for the test that reads its plan.
const BehindSQL = behindSQL

// PendingSQL is the SELECT that Pending and EachPending run, for the test that reads its plan.
const PendingSQL = pendingSQL
