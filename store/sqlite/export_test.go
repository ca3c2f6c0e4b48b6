package sqlite

// BehindSQL is the SELECT that CardsBehind runs, for the test that reads its plan.
const BehindSQL = behindSQL
