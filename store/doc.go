// Package store is home to the backends that keep resetbot's requests and audit trail.
//
// The interface they implement, approval.Store, is declared in package approval, where it is
// used. Each backend lives in its own sub-package and proves itself by passing the one
// conformance suite in store/storetest:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) approval.Store { return openMine(t) })
//	}
//
// store/sqlite is the embedded default for a single replica; store/postgres serves several
// replicas sharing one database. storetest.Bench measures every backend under the same
// benchmark names. To add a backend, create a
// package under store/, assert `var _ approval.Store = (*DB)(nil)`, map its "not found" and
// "version changed" outcomes to approval errors with codes ENOTFOUND and ECONFLICT, make
// CreateLimited count and store in one atomic step (a transaction, or a conditional write on a
// counter), write the events given to Create, CreateLimited and Update in the same transaction
// as the request (none when the change is refused), make ClaimEnvelope an insert that a second
// claim of the id conflicts with, and run storetest against it. Audit events are never updated
// or deleted, and the database enforces it. Text reads back exactly as it was written, NUL
// bytes and backslashes included (storetest's ExactText): a database whose text type cannot
// hold a NUL escapes it, as store/postgres does. A backend never stores a password: requests
// and events hold none.
package store
