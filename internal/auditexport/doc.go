// Package auditexport writes the audit trail of an approval.Store as JSON Lines or CSV, for
// auditors: each event with the request it is about (who asked, what, on whom, in which pool),
// filtered by time, people, user, pool, action and outcome. It streams: events are read one at
// a time with Store.ScanEvents and requests through a small bounded cache, so memory does not
// grow with the size of the trail, and the reads never block a running bot's writes.
//
// To add a column, add it to Record and to columns (format.go); both formats read that list.
package auditexport
