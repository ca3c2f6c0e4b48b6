package metrics

import (
	"math"
	"sort"
	"sync/atomic"
)

// histogram counts observations into buckets by upper bound (a value equal to a bound counts
// in that bound's bucket) and keeps their sum.
type histogram struct {
	bounds []float64       // upper bounds, ascending, +Inf left out; shared by a family's children
	counts []atomic.Uint64 // per bucket, not cumulative; the last counts values above every bound
	sum    atomic.Uint64   // float64 bits
}

func newHistogram(bounds []float64) *histogram {
	return &histogram{bounds: bounds, counts: make([]atomic.Uint64, len(bounds)+1)}
}

// Observe counts v into its bucket and adds it to the sum.
func (h *histogram) Observe(v float64) {
	h.counts[sort.SearchFloat64s(h.bounds, v)].Add(1) // the first bound >= v
	addFloat(&h.sum, v)
}

// snapshot reads the buckets cumulatively; the count is the last of them, so _count always
// equals the +Inf bucket even while observations land (the sum may be a few observations apart).
func (h *histogram) snapshot() series {
	s := series{buckets: make([]uint64, len(h.bounds))}
	var n uint64
	for i := range h.counts {
		n += h.counts[i].Load()
		if i < len(h.bounds) {
			s.buckets[i] = n
		}
	}
	s.count = n
	s.value = math.Float64frombits(h.sum.Load())
	return s
}

// exponentialBuckets returns n upper bounds, the first start and each the one before times
// factor (as Prometheus's Go client computes them, so the bounds are the same numbers).
func exponentialBuckets(start, factor float64, n int) []float64 {
	b := make([]float64, n)
	for i := range b {
		b[i] = start
		start *= factor
	}
	return b
}
