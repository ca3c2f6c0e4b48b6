package metrics

import (
	"fmt"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// maxLabels is the most labels a family may have: a child's label values are a fixed-size
// array, so that finding it allocates nothing.
const maxLabels = 3

// labelKey holds a child's label values, in the order its family declares its label names.
type labelKey [maxLabels]string

// child is one series of a family: a counter, a gauge or a histogram.
type child interface {
	// snapshot reads the series' value now, without its label values.
	snapshot() series
}

// vec holds the children of a family, one per distinct set of label values (a family without
// labels has one). Finding a child reads an immutable map through an atomic pointer and takes
// no lock; a new set of values copies the map under a mutex, once.
type vec[C child] struct {
	desc     desc
	newChild func() C

	mu       sync.Mutex // held while adding a child
	children atomic.Pointer[map[labelKey]C]
}

// newVec returns a family's empty set of children, made by newChild.
func newVec[C child](d desc, newChild func() C) *vec[C] {
	if len(d.labels) > maxLabels {
		panic(fmt.Sprintf("metrics: %s has %d labels, at most %d are supported", d.name, len(d.labels), maxLabels))
	}
	v := &vec[C]{desc: d, newChild: newChild}
	v.children.Store(&map[labelKey]C{})
	return v
}

// with returns the child of the label values given in the family's label order, creating it
// the first time. Values that are not valid UTF-8 are served with U+FFFD in place of the bad
// bytes, as the exposition format requires UTF-8.
func (v *vec[C]) with(values ...string) C {
	if len(values) != len(v.desc.labels) {
		panic(fmt.Sprintf("metrics: %s takes %d label values, got %d", v.desc.name, len(v.desc.labels), len(values)))
	}
	var k labelKey
	for i, s := range values {
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\uFFFD")
		}
		k[i] = s
	}
	if c, ok := (*v.children.Load())[k]; ok {
		return c
	}
	return v.add(k)
}

// add creates the child of k unless another goroutine just did.
func (v *vec[C]) add(k labelKey) C {
	v.mu.Lock()
	defer v.mu.Unlock()
	old := *v.children.Load()
	if c, ok := old[k]; ok {
		return c
	}
	next := make(map[labelKey]C, len(old)+1)
	maps.Copy(next, old)
	c := v.newChild()
	next[k] = c
	v.children.Store(&next)
	return c
}

// collect returns the family with one series per child; the writer orders them.
func (v *vec[C]) collect(fams []family) []family {
	children := *v.children.Load()
	f := family{desc: v.desc, series: make([]series, 0, len(children))}
	n := len(v.desc.labels)
	for k, c := range children {
		s := c.snapshot()
		s.labelValues = k[:n:n]
		f.series = append(f.series, s)
	}
	return append(fams, f)
}
