// Package logctx carries log attributes in a context, so that every line logged while handling
// one Slack envelope or one request names it, whichever package writes the line.
//
// A caller adds attributes with With; the process wraps its slog handler once with Handler,
// and every *Context logging call (InfoContext, ...) then carries them. Attributes the logger
// already has (slog.Logger.With) win over the context's, so a key is never written twice.
package logctx

import (
	"context"
	"log/slog"
	"slices"
)

type key struct{}

// With returns a context whose log lines carry args (alternating keys and values, or
// slog.Attr), after the attributes ctx already carries. A key given again replaces the old value.
func With(ctx context.Context, args ...any) context.Context {
	add := slog.Group("", args...).Value.Group()
	old := Attrs(ctx)
	out := make([]slog.Attr, 0, len(old)+len(add))
	for _, a := range old {
		if !slices.ContainsFunc(add, func(b slog.Attr) bool { return b.Key == a.Key }) {
			out = append(out, a)
		}
	}
	return context.WithValue(ctx, key{}, append(out, add...))
}

// Attrs returns the attributes ctx carries.
func Attrs(ctx context.Context) []slog.Attr {
	attrs, _ := ctx.Value(key{}).([]slog.Attr)
	return attrs
}

// Handler wraps h so that records logged with a context carry the context's attributes.
func Handler(h slog.Handler) slog.Handler { return &handler{next: h} }

type handler struct {
	next slog.Handler
	// has lists the top-level keys the logger was given with WithAttrs; grouped says a group
	// is open, after which the context's attributes are still added at the top level by
	// the record (slog puts record attributes inside open groups).
	has     []string
	grouped bool
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	attrs := Attrs(ctx)
	if len(attrs) > 0 && !h.grouped {
		r = r.Clone()
		var own []string
		r.Attrs(func(a slog.Attr) bool { own = append(own, a.Key); return true })
		for _, a := range attrs {
			if !slices.Contains(h.has, a.Key) && !slices.Contains(own, a.Key) {
				r.AddAttrs(a)
			}
		}
	}
	return h.next.Handle(ctx, r)
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	has := slices.Clone(h.has)
	if !h.grouped {
		for _, a := range attrs {
			has = append(has, a.Key)
		}
	}
	return &handler{next: h.next.WithAttrs(attrs), has: has, grouped: h.grouped}
}

func (h *handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &handler{next: h.next.WithGroup(name), has: h.has, grouped: true}
}
