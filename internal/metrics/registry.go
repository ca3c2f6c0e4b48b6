package metrics

import (
	"io"
	"net/http"
	"strconv"
	"sync"
)

// collector adds its families, as they are now, to fams.
type collector interface {
	collect(fams []family) []family
}

// registry is the collectors one process serves.
type registry struct {
	mu         sync.Mutex
	collectors []collector
}

func (r *registry) register(cs ...collector) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.collectors = append(r.collectors, cs...)
}

// counterFamily registers a family of counters with labels.
func (r *registry) counterFamily(name, help string, labels ...string) *vec[*counter] {
	v := newVec(desc{name: name, help: help, kind: counterKind, labels: labels}, func() *counter { return new(counter) })
	r.register(v)
	return v
}

// gaugeFamily registers a family of gauges with labels.
func (r *registry) gaugeFamily(name, help string, labels ...string) *vec[*gauge] {
	v := newVec(desc{name: name, help: help, kind: gaugeKind, labels: labels}, func() *gauge { return new(gauge) })
	r.register(v)
	return v
}

// histogramFamily registers a family of histograms with labels, all with the buckets given
// by their upper bounds.
func (r *registry) histogramFamily(name, help string, bounds []float64, labels ...string) *vec[*histogram] {
	bounds = sortedBounds(name, bounds)
	v := newVec(desc{name: name, help: help, kind: histogramKind, labels: labels, bounds: bounds},
		func() *histogram { return newHistogram(bounds) })
	r.register(v)
	return v
}

// exposition returns every family in the text format.
func (r *registry) exposition() []byte {
	r.mu.Lock()
	cs := r.collectors
	r.mu.Unlock()
	var fams []family
	for _, c := range cs {
		fams = c.collect(fams)
	}
	return appendExposition(make([]byte, 0, 16<<10), fams)
}

// WriteTo writes every family in the text format to w.
func (r *registry) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(r.exposition())
	return int64(n), err
}

// ServeHTTP answers a scrape.
func (r *registry) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	b := r.exposition()
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b) // the scraper went away: nothing to tell it
}
