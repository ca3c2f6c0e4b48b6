package approval

import (
	"context"
	"log/slog"
	"time"
)

// AuditLog returns store with a copy of every audit event it writes logged as one line: the
// message "audit" and the event's fields at the top level (request_id, at, actor, kind, rule,
// outcome, aws_request_id, detail, and for a request its requester, action, pool and target),
// for SIEM pipelines that read the log. A line is written only once the store has the event,
// so the log never shows a step the store lost; the store stays the record of truth. Events
// never hold a password, so neither do the lines.
func AuditLog(store Store, log *slog.Logger) Store { return &auditLogStore{Store: store, log: log} }

// auditLogStore logs the events written through it.
type auditLogStore struct {
	Store
	log *slog.Logger
}

func (s *auditLogStore) Create(ctx context.Context, r *Request, events ...Event) error {
	err := s.Store.Create(ctx, r, events...)
	if err == nil {
		s.write(ctx, r, events)
	}
	return err
}

func (s *auditLogStore) CreateLimited(ctx context.Context, r *Request, limits []Limit, events ...Event) error {
	err := s.Store.CreateLimited(ctx, r, limits, events...)
	if err == nil {
		s.write(ctx, r, events)
	}
	return err
}

func (s *auditLogStore) Update(ctx context.Context, r *Request, events ...Event) error {
	err := s.Store.Update(ctx, r, events...)
	if err == nil {
		s.write(ctx, r, events)
	}
	return err
}

func (s *auditLogStore) UpdateDrawn(ctx context.Context, r *Request, events ...Event) error {
	err := s.Store.UpdateDrawn(ctx, r, events...)
	if err == nil {
		s.write(ctx, r, events)
	}
	return err
}

func (s *auditLogStore) UpdateClaiming(ctx context.Context, r *Request, e Envelope, events ...Event) error {
	err := s.Store.UpdateClaiming(ctx, r, e, events...)
	if err == nil {
		s.write(ctx, r, events)
	}
	return err
}

func (s *auditLogStore) Append(ctx context.Context, e Event) error {
	err := s.Store.Append(ctx, e)
	if err != nil {
		return err
	}
	var r *Request
	if e.RequestID != "" {
		// A step that changed nothing (a refused approval): the line still names the request's
		// action, pool and target; without them, when the read fails.
		r, _ = s.Get(ctx, e.RequestID)
	}
	s.write(ctx, r, []Event{e})
	return nil
}

// write logs events, written with r (nil for events about no stored request).
func (s *auditLogStore) write(ctx context.Context, r *Request, events []Event) {
	for _, e := range events {
		s.log.LogAttrs(ctx, slog.LevelInfo, "audit", AuditAttrs(r, e)...)
	}
}

// AuditAttrs are the fields of an audit event's log line: the event's, and those of the request
// it is about (r may be nil).
func AuditAttrs(r *Request, e Event) []slog.Attr {
	if e.RequestID == "" && r != nil {
		e.RequestID = r.ID
	}
	attrs := []slog.Attr{
		slog.String("request_id", e.RequestID),
		slog.String("at", e.At.UTC().Format(time.RFC3339Nano)),
		slog.String("actor", e.Actor),
		slog.String("kind", e.Kind),
		slog.String("rule", e.Rule),
		slog.String("outcome", e.Outcome),
		slog.String("aws_request_id", e.AWSRequestID),
		slog.String("detail", e.Detail),
	}
	if r != nil {
		attrs = append(attrs,
			slog.String("requester", r.Requester),
			slog.String("action", string(r.Action)),
			slog.String("pool", r.Pool.Name),
			slog.String("target", r.Target.Username),
		)
	}
	return attrs
}
