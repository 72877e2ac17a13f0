package redact

import (
	"context"
	"fmt"
	"log/slog"
)

// Handler returns next behind a handler that removes the secrets from every
// record: the message and each attribute, groups and LogValuers resolved,
// and any other value (an error) by its text when that holds a secret.
func (x *Secrets) Handler(next slog.Handler) slog.Handler {
	return &handler{next: next, x: x}
}

type handler struct {
	next slog.Handler
	x    *Secrets
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.x.String(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.x.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.x.attr(a)
	}
	return &handler{next: h.next.WithAttrs(clean), x: h.x}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{next: h.next.WithGroup(name), x: h.x}
}

func (x *Secrets) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		v = slog.StringValue(x.String(v.String()))
	case slog.KindGroup:
		group := v.Group()
		clean := make([]slog.Attr, len(group))
		for i, g := range group {
			clean[i] = x.attr(g)
		}
		v = slog.GroupValue(clean...)
	case slog.KindAny:
		if text := fmt.Sprint(v.Any()); x.Contains(text) {
			v = slog.StringValue(x.String(text))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
