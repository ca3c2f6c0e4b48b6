// Package postgres is an approval.Store on PostgreSQL, for several replicas of resetbot sharing
// one database.
//
// Every change is one transaction: a request's compare-and-swap on its version and the audit
// events that record it are written together or not at all, and a rate-limited create counts
// and inserts under a transaction-level advisory lock per limit key, so that two replicas
// racing never both pass a limit with room for one more. Audit rows cannot be updated or
// deleted: a trigger refuses it, whoever the role. Envelope claims are rows whose primary key
// is the envelope id: the first insert wins, later ones conflict.
//
// A server that restarted or failed over breaks the pool's connections: reads met by a broken
// one are run again once on a new connection, writes only when they were never sent (retry.go).
//
// PostgreSQL's text holds no NUL byte, which a person may type into a reason an event quotes:
// such an event is stored with its text escaped and a flag saying so, and reads back exact
// (nul.go); every other event is stored as written.
//
// The schema lives in migrations/ (NNNN_what.sql, embedded); Open applies the new ones under an
// advisory lock, so replicas starting at once apply each exactly once, and refuses a database
// a newer resetbot migrated. To change the schema, add the next file; to hold the backend to a
// new promise, add a case to store/storetest.
package postgres
