package purge

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSchedule(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	var p Schedule
	var got []bool
	for _, step := range []struct {
		at     time.Time
		failed bool
	}{
		{at: t0},
		{at: t0.Add(time.Second)},
		{at: t0.Add(Every - time.Nanosecond)},
		{at: t0.Add(Every)},
		{at: t0.Add(Every + time.Second), failed: true},
		{at: t0.Add(Every + 2*time.Second)},
		{at: t0.Add(Every + 3*time.Second)},
	} {
		if step.failed {
			p.Failed()
		}
		got = append(got, p.Due(step.at))
	}
	if diff := cmp.Diff(got, []bool{true, false, false, true, true, false, false}); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}
