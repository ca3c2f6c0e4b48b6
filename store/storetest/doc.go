// Package storetest is the conformance suite every approval.Store backend must pass.
//
// A backend's test calls Run with a function that opens a fresh, empty store for each subtest:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) approval.Store {
//			db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"), slog.New(slog.DiscardHandler))
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { db.Close() })
//			return db
//		})
//	}
//
// The suite covers what the workflow relies on: requests round-trip whole, Update is a
// compare-and-swap on the version (many goroutines at once → exactly one winner), CreateLimited
// counts and stores in one atomic step (many goroutines at once → never more than the limit),
// audit events are kept in order, and Due, Pending, History and the rate-limit counts select
// the right requests. To hold backends to a new promise, add a subtest to the table in Run.
package storetest
