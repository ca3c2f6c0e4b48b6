package metrics

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
)

// contentType is the media type of the text exposition format this package writes.
const contentType = "text/plain; version=0.0.4; charset=utf-8"

// kind is a family's metric type, as its TYPE line names it.
type kind uint8

const (
	counterKind kind = iota
	gaugeKind
	histogramKind
	summaryKind
)

func (k kind) String() string {
	switch k {
	case counterKind:
		return "counter"
	case gaugeKind:
		return "gauge"
	case histogramKind:
		return "histogram"
	case summaryKind:
		return "summary"
	default:
		return "untyped"
	}
}

// desc says what a family is: its name, help, type and label names, and for a histogram its
// buckets' upper bounds (+Inf left out), for a summary its quantiles.
type desc struct {
	name   string
	help   string
	kind   kind
	labels []string
	bounds []float64
}

// family is a desc with its series as read at one scrape.
type family struct {
	desc
	series []series
}

// series is one set of label values and what was read for it.
type series struct {
	labelValues []string  // in the order of desc.labels
	value       float64   // a counter's or gauge's value; a histogram's or summary's sum
	count       uint64    // a histogram's or summary's count
	buckets     []uint64  // a histogram: the cumulative count at each of desc.bounds
	quantiles   []float64 // a summary: the value at each of desc.bounds
}

// appendExposition appends fams in the text format: families sorted by name, each with its
// HELP and TYPE lines, its labels by name and its series by their label values in that order;
// a histogram's buckets cumulative with le (+Inf last), then _sum and _count.
func appendExposition(b []byte, fams []family) []byte {
	slices.SortFunc(fams, func(x, y family) int { return strings.Compare(x.name, y.name) })
	for _, f := range fams {
		b = appendFamily(b, f)
	}
	return b
}

func appendFamily(b []byte, f family) []byte {
	b = append(b, "# HELP "...)
	b = append(b, f.name...)
	b = append(b, ' ')
	b = appendEscaped(b, f.help, false)
	b = append(b, "\n# TYPE "...)
	b = append(b, f.name...)
	b = append(b, ' ')
	b = append(b, f.kind.String()...)
	b = append(b, '\n')

	// order lists the label indexes by label name: labels are written, and series sorted, so.
	order := make([]int, len(f.labels))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int { return strings.Compare(f.labels[i], f.labels[j]) })
	slices.SortFunc(f.series, func(x, y series) int {
		for _, i := range order {
			if c := strings.Compare(x.labelValues[i], y.labelValues[i]); c != 0 {
				return c
			}
		}
		return 0
	})

	line := seriesLine{name: f.name, labels: f.labels, order: order}
	for _, s := range f.series {
		line.values = s.labelValues
		switch f.kind {
		case counterKind, gaugeKind:
			b = line.appendFloat(b, "", "", 0, s.value)
		case histogramKind:
			for i, le := range f.bounds {
				b = line.appendUint(b, "_bucket", "le", le, s.buckets[i])
			}
			b = line.appendUint(b, "_bucket", "le", math.Inf(1), s.count)
			b = line.appendFloat(b, "_sum", "", 0, s.value)
			b = line.appendUint(b, "_count", "", 0, s.count)
		case summaryKind:
			for i, q := range f.bounds {
				b = line.appendFloat(b, "", "quantile", q, s.quantiles[i])
			}
			b = line.appendFloat(b, "_sum", "", 0, s.value)
			b = line.appendUint(b, "_count", "", 0, s.count)
		}
	}
	return b
}

// seriesLine writes the sample lines of one series.
type seriesLine struct {
	name   string
	labels []string
	order  []int
	values []string
}

func (l seriesLine) appendFloat(b []byte, suffix, extra string, extraValue, v float64) []byte {
	b = l.appendName(b, suffix, extra, extraValue)
	return append(appendFloat(b, v), '\n')
}

func (l seriesLine) appendUint(b []byte, suffix, extra string, extraValue float64, n uint64) []byte {
	b = l.appendName(b, suffix, extra, extraValue)
	return append(strconv.AppendUint(b, n, 10), '\n')
}

// appendName writes the metric name with suffix and the labels, the extra one (le, quantile)
// last when given, and the space before the value.
func (l seriesLine) appendName(b []byte, suffix, extra string, extraValue float64) []byte {
	b = append(b, l.name...)
	b = append(b, suffix...)
	if len(l.order) > 0 || extra != "" {
		b = append(b, '{')
		sep := false
		for _, i := range l.order {
			if sep {
				b = append(b, ',')
			}
			sep = true
			b = append(b, l.labels[i]...)
			b = append(b, `="`...)
			b = appendEscaped(b, l.values[i], true)
			b = append(b, '"')
		}
		if extra != "" {
			if sep {
				b = append(b, ',')
			}
			b = append(b, extra...)
			b = append(b, `="`...)
			b = appendFloat(b, extraValue)
			b = append(b, '"')
		}
		b = append(b, '}')
	}
	return append(b, ' ')
}

// appendFloat writes v as the format wants it: shortest decimal, +Inf, -Inf, NaN.
func appendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsInf(v, 1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	case math.IsNaN(v):
		return append(b, "NaN"...)
	default:
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	}
}

// appendEscaped writes s with backslash and newline escaped, and in a label value (quoted)
// the double quote too.
func appendEscaped(b []byte, s string, quoted bool) []byte {
	for i := range len(s) {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '"' && quoted:
			b = append(b, `\"`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// sortedBounds checks a histogram's upper bounds (ascending, no NaN) and leaves +Inf out, as
// every histogram has that bucket.
func sortedBounds(name string, bounds []float64) []float64 {
	bounds = slices.Clone(bounds)
	if n := len(bounds); n > 0 && math.IsInf(bounds[n-1], 1) {
		bounds = bounds[:n-1]
	}
	for i, v := range bounds {
		if math.IsNaN(v) || (i > 0 && cmp.Compare(bounds[i-1], v) >= 0) {
			panic("metrics: the buckets of " + name + " are not ascending")
		}
	}
	return bounds
}
