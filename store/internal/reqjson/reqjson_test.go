package reqjson

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
)

func TestRoundTrip(t *testing.T) {
	at := time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)
	in := &approval.Request{ID: "r-1", Version: 7, State: approval.StatePending, Reason: "a \x00 b <!channel>",
		CreatedAt: at, Approvals: []approval.Approval{{By: "U2", At: at.Add(1)}}}
	body, err := Encode(in, 8)
	if err != nil {
		t.Fatal(err)
	}
	if in.Version != 7 {
		t.Errorf("Encode changed the caller's Version to %d", in.Version)
	}
	got, err := Decode(body, 8)
	if err != nil {
		t.Fatal(err)
	}
	want := *in
	want.Version = 8
	if diff := cmp.Diff(got, &want); diff != "" {
		t.Errorf("round trip (-got +want):\n%s", diff)
	}
	if _, err := Decode("{", 1); err == nil {
		t.Error("Decode of a broken body: no error")
	}
}
