package auditexport

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/resetbot/resetbot/approval"
)

// Filter selects records. A zero field selects every record.
type Filter struct {
	Since, Until time.Time // events at or after Since, before Until
	Requester    string    // who asked (a Slack user id)
	Approver     string    // events in which this Slack user id approved, denied or was refused
	Target       string    // the Cognito username, as stored
	Pool         string    // the pool's name
	Action       string    // the action, e.g. reset
	Outcome      string    // the event's outcome, e.g. denied
}

// lookKinds are the kinds of event of a read-only action, which is its own kind.
var lookKinds = map[string]bool{"status": true, "history": true}

// approverKinds are the kinds of event in which someone decides.
var approverKinds = []string{"approved", "denied", "approval_refused", "approval_not_counted"}

// Export writes the records f selects from store to w in format, oldest first, and returns
// how many it wrote.
func Export(ctx context.Context, store approval.Store, f Filter, format Format, w io.Writer) (int, error) {
	out, err := newWriter(format, w)
	if err != nil {
		return 0, err
	}
	ef := approval.EventFilter{Since: f.Since, Until: f.Until, Outcome: f.Outcome}
	if f.Approver != "" {
		ef.Actor, ef.Kinds = f.Approver, approverKinds
	}
	cache := newSubjects()
	n := 0
	err = store.ScanEvents(ctx, ef, func(e approval.Event) error {
		s, err := subjectFor(ctx, store, cache, e)
		if err != nil {
			return err
		}
		r := record(e, s)
		if !f.keeps(r) {
			return nil
		}
		if err := out.write(r); err != nil {
			return fmt.Errorf("write event %d: %w", e.ID, err)
		}
		n++
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("export the audit trail: %w", err)
	}
	if err := out.flush(); err != nil {
		return n, fmt.Errorf("export the audit trail: %w", err)
	}
	return n, nil
}

// subjectFor finds what an event is about: its request (through the cache), or its detail.
// A request the store no longer has is known by its id alone.
func subjectFor(ctx context.Context, store approval.Store, cache *subjects, e approval.Event) (subject, error) {
	if e.RequestID == "" {
		s := parseDetail(e.Detail)
		s.Requester = e.Actor
		if s.Action == "" && lookKinds[e.Kind] {
			s.Action = e.Kind
		}
		return s, nil
	}
	if s, ok := cache.get(e.RequestID); ok {
		return s, nil
	}
	r, err := store.Get(ctx, e.RequestID)
	var s subject
	switch {
	case approval.ErrorCode(err) == approval.ENOTFOUND:
	case err != nil:
		return subject{}, fmt.Errorf("read request %s: %w", e.RequestID, err)
	default:
		s = subjectOf(r)
	}
	cache.put(e.RequestID, s)
	return s, nil
}

// keeps reports whether the record passes the filters the store did not apply.
func (f Filter) keeps(r Record) bool {
	for _, c := range []struct{ want, got string }{
		{f.Requester, r.Requester}, {f.Target, r.Target}, {f.Pool, r.Pool}, {f.Action, r.Action},
	} {
		if c.want != "" && c.want != c.got {
			return false
		}
	}
	return true
}
