package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
)

// oddText is text a person may type into a reason that an event quotes: a NUL byte (which
// PostgreSQL's text cannot hold), backslashes, what an escaped NUL could look like, and U+FFFD.
const oddText = "locked\x00out \\ \\0 \\\\0 \uFFFD end\x00"

// testExactText: an audit event's text reads back exactly as written, NUL bytes and
// backslashes included, through Events and ScanEvents and its filters; so does a request's
// reason; and envelope ids that differ only there are different claims.
func testExactText(t *testing.T, s approval.Store) {
	ctx := t.Context()
	r := request("r-1")
	r.Reason = oddText
	in := []approval.Event{
		{RequestID: "r-1", At: t0, Actor: "U1\x00", Kind: "submitted", Rule: "rule\\0", Outcome: "pending", Detail: "reason: " + oddText},
		{RequestID: "r-1", At: t0.Add(time.Second), Actor: "U\\2", Kind: "approved", Outcome: "approved\x00", AWSRequestID: "aws\x00\\", Detail: "\x00"},
		{RequestID: "r-1", At: t0.Add(2 * time.Second), Actor: "U\\2", Kind: "note", Detail: "a backslash \\ and \\0, no NUL"},
	}
	create(t, s, r)
	if err := s.Update(ctx, r, in[0]); err != nil {
		t.Fatalf("Update: %v", err)
	}
	for _, e := range in[1:] {
		if err := s.Append(ctx, e); err != nil {
			t.Fatalf("Append(%s): %v", e.Kind, err)
		}
	}
	if got := get(t, s, "r-1"); got.Reason != oddText {
		t.Errorf("Get: reason %q, want %q", got.Reason, oddText)
	}
	if diff := cmp.Diff(events(t, s, "r-1"), in, ignoreEventID); diff != "" {
		t.Errorf("Events (-got +want):\n%s", diff)
	}
	odd := approval.Event{RequestID: "r-\x00", At: t0, Actor: "U3", Kind: "odd"}
	if err := s.Append(ctx, odd); err != nil {
		t.Fatalf("Append to a request id with a NUL: %v", err)
	}
	if diff := cmp.Diff(events(t, s, "r-\x00"), []approval.Event{odd}, ignoreEventID); diff != "" {
		t.Errorf("Events of a request id with a NUL (-got +want):\n%s", diff)
	}
	if got := events(t, s, "r-"); len(got) != 0 {
		t.Errorf("Events(r-) = %+v, want none: the NUL is part of the id", got)
	}
	for _, tt := range []struct {
		name string
		f    approval.EventFilter
		want []approval.Event
	}{
		{"all", approval.EventFilter{}, append(in[:3:3], odd)},
		{"actor with a NUL", approval.EventFilter{Actor: "U1\x00"}, in[:1]},
		{"actor without its NUL", approval.EventFilter{Actor: "U1"}, nil},
		{"actor with a backslash", approval.EventFilter{Actor: "U\\2"}, in[1:]},
		{"outcome with a NUL", approval.EventFilter{Outcome: "approved\x00"}, in[1:2]},
		{"kinds", approval.EventFilter{Kinds: []string{"submitted", "note"}}, []approval.Event{in[0], in[2]}},
	} {
		var got []approval.Event
		err := s.ScanEvents(ctx, tt.f, func(e approval.Event) error {
			got = append(got, e)
			return nil
		})
		if err != nil {
			t.Fatalf("ScanEvents %s: %v", tt.name, err)
		}
		if diff := cmp.Diff(got, tt.want, ignoreEventID); diff != "" {
			t.Errorf("ScanEvents %s (-got +want):\n%s", tt.name, diff)
		}
	}
	for _, id := range []string{"env\x00", "env\\0", "env"} {
		won, err := s.ClaimEnvelope(ctx, id, t0)
		if err != nil || !won {
			t.Errorf("ClaimEnvelope(%q) = %v, %v; want the first claim of a new id", id, won, err)
		}
	}
}
