package metrics

import (
	"math"
	"sync/atomic"
)

// counter is a count that only goes up.
type counter struct{ n atomic.Uint64 }

// Inc adds one.
func (c *counter) Inc() { c.n.Add(1) }

func (c *counter) snapshot() series { return series{value: float64(c.n.Load())} }

// gauge is a value that goes up and down.
type gauge struct{ bits atomic.Uint64 }

// Set replaces the value.
func (g *gauge) Set(v float64) { g.bits.Store(math.Float64bits(v)) }

// Add adds d (negative to subtract).
func (g *gauge) Add(d float64) { addFloat(&g.bits, d) }

func (g *gauge) snapshot() series { return series{value: math.Float64frombits(g.bits.Load())} }

// addFloat adds d to the float64 whose bits b holds.
func addFloat(b *atomic.Uint64, d float64) {
	for {
		old := b.Load()
		if b.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+d)) {
			return
		}
	}
}
