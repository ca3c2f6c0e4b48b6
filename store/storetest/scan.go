package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
)

// scanEvents are the events the ScanEvents cases append, oldest first.
func scanEvents() []approval.Event {
	return []approval.Event{
		{RequestID: "r-1", At: t0, Actor: "U1", Kind: "submitted", Rule: "support-resets", Outcome: "pending"},
		{RequestID: "", At: t0.Add(time.Second), Actor: "U7", Kind: "denied_by_policy", Rule: "protect-admins", Outcome: "denied", Detail: "action=reset pool=prod target=root"},
		{RequestID: "r-1", At: t0.Add(2 * time.Second), Actor: "U2", Kind: "approved", Rule: "support-resets", Outcome: "approved"},
		{RequestID: "r-2", At: t0.Add(3 * time.Second), Actor: "U2", Kind: "denied", Rule: "support-resets", Outcome: "denied", Detail: "call back first"},
		{RequestID: "r-1", At: t0.Add(4 * time.Second), Actor: "system", Kind: "succeeded", Outcome: "succeeded", AWSRequestID: "aws-123"},
	}
}

// testScanEvents: ScanEvents selects by time range, actor, kinds and outcome, in id order
// either way, and stops when fn says so.
func testScanEvents(t *testing.T, s approval.Store) {
	ctx := t.Context()
	in := scanEvents()
	for _, e := range in {
		if err := s.Append(ctx, e); err != nil {
			t.Fatalf("Append(%s): %v", e.Kind, err)
		}
	}
	pick := func(is ...int) []approval.Event {
		var out []approval.Event
		for _, i := range is {
			out = append(out, in[i])
		}
		return out
	}
	for _, tt := range []struct {
		name string
		f    approval.EventFilter
		want []approval.Event
	}{
		{"all", approval.EventFilter{}, in},
		{"since", approval.EventFilter{Since: t0.Add(2 * time.Second)}, pick(2, 3, 4)},
		{"until", approval.EventFilter{Until: t0.Add(2 * time.Second)}, pick(0, 1)},
		{"range", approval.EventFilter{Since: t0.Add(time.Second), Until: t0.Add(3 * time.Second)}, pick(1, 2)},
		{"actor", approval.EventFilter{Actor: "U2"}, pick(2, 3)},
		{"kinds", approval.EventFilter{Kinds: []string{"approved", "denied"}}, pick(2, 3)},
		{"outcome", approval.EventFilter{Outcome: "denied"}, pick(1, 3)},
		{"actor and kind", approval.EventFilter{Actor: "U2", Kinds: []string{"denied"}}, pick(3)},
		{"newest first", approval.EventFilter{Actor: "U2", NewestFirst: true}, pick(3, 2)},
		{"none", approval.EventFilter{Actor: "U9"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []approval.Event
			err := s.ScanEvents(ctx, tt.f, func(e approval.Event) error {
				got = append(got, e)
				return nil
			})
			if err != nil {
				t.Fatalf("ScanEvents: %v", err)
			}
			if diff := cmp.Diff(got, tt.want, ignoreEventID); diff != "" {
				t.Errorf("ScanEvents(%+v) (-got +want):\n%s", tt.f, diff)
			}
			for i := 1; i < len(got); i++ {
				if (got[i].ID > got[i-1].ID) == tt.f.NewestFirst {
					t.Errorf("ids %d then %d, out of order (newest first: %v)", got[i-1].ID, got[i].ID, tt.f.NewestFirst)
				}
			}
		})
	}
}

// testScanEventsStops: an error from fn ends the scan and is returned as is; ErrStopScan ends
// it with no error.
func testScanEventsStops(t *testing.T, s approval.Store) {
	ctx := t.Context()
	for _, e := range scanEvents() {
		if err := s.Append(ctx, e); err != nil {
			t.Fatalf("Append(%s): %v", e.Kind, err)
		}
	}
	checkStops(t, "ScanEvents", func(fn func() error) error {
		return s.ScanEvents(ctx, approval.EventFilter{}, func(approval.Event) error { return fn() })
	})
}

// checkStops runs scan with an fn that stops it at its second call, with each kind of
// error: an error ends the scan and is returned as is; ErrStopScan, even wrapped, ends it
// with no error.
func checkStops(t *testing.T, what string, scan func(fn func() error) error) {
	t.Helper()
	boom := errors.New("boom")
	for _, tt := range []struct {
		stop    error
		wantErr error
	}{
		{approval.ErrStopScan, nil},
		{boom, boom},
		{fmt.Errorf("wrapped: %w", approval.ErrStopScan), nil},
	} {
		calls := 0
		err := scan(func() error {
			calls++
			if calls == 2 {
				return tt.stop
			}
			return nil
		})
		if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
			t.Errorf("%s stopped with %v: %v, want %v", what, tt.stop, err, tt.wantErr)
		}
		if calls != 2 {
			t.Errorf("%s: fn called %d times after it stopped the scan at 2", what, calls)
		}
	}
}

// testScanEventsWhileWriting: fn may write to the store while the scan runs (a running bot
// keeps writing while its audit trail is read), and the scan still ends.
func testScanEventsWhileWriting(t *testing.T, s approval.Store) {
	ctx := t.Context()
	for _, e := range scanEvents() {
		if err := s.Append(ctx, e); err != nil {
			t.Fatalf("Append(%s): %v", e.Kind, err)
		}
	}
	create(t, s, request("r-9"))
	seen := 0
	err := s.ScanEvents(ctx, approval.EventFilter{Until: t0.Add(time.Hour)}, func(e approval.Event) error {
		seen++
		if err := s.Append(ctx, approval.Event{RequestID: "r-9", At: t0.Add(2 * time.Hour), Actor: "U1", Kind: "status"}); err != nil {
			return fmt.Errorf("append during the scan: %w", err)
		}
		if _, err := s.Get(ctx, "r-9"); err != nil {
			return fmt.Errorf("get during the scan: %w", err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("ScanEvents: %v", err)
	}
	if seen != len(scanEvents()) {
		t.Errorf("scanned %d events, want the %d before the writes", seen, len(scanEvents()))
	}
}
