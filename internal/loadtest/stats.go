package loadtest

import (
	"slices"
	"time"
)

// latencies are the ack times of one run.
type latencies []time.Duration

// quantile returns the q-quantile (0..1) by nearest rank, 0 when there are none.
func (l latencies) quantile(q float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}
