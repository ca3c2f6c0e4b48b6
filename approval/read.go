package approval

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/resetbot/resetbot/policy"
)

// historyLimit is how many requests History returns.
const historyLimit = 10

// StatusReport answers `status`: the user as Cognito has them, contacts masked.
type StatusReport struct {
	Pool     policy.Pool
	Target   Target
	Enabled  bool
	Created  time.Time
	Modified time.Time
	Recent   int // requests for this user in the last 30 days
	Rule     string
}

// lookupKinds are the audit events of read-only lookups, which the lookup limit counts.
var lookupKinds = []string{string(policy.ActionStatus), string(policy.ActionHistory)}

// readOnly runs the policy, the lookup limit and the lookup for a read-only action. A refusal
// is audited here; the look itself by Status and History, whatever it found.
func (s *Service) readOnly(ctx context.Context, sub Submission, action policy.Action) (prepared, error) {
	if sub.Action == "" {
		sub.Action = action
	}
	if sub.Action != action {
		return prepared{sub: sub}, Errorf(EINVALID, "This answers %s, not %s.", action, sub.Action)
	}
	var p prepared
	err := s.prepare(ctx, &p, sub, func(first policy.Decision) error { return s.lookupAllowed(ctx, sub.Requester, first) })
	if err != nil && !errors.Is(err, p.lookupErr) {
		kind := map[string]string{EFORBIDDEN: "denied_by_policy", ELIMITED: "rate_limited"}[ErrorCode(err)]
		if kind != "" {
			s.appendEvent(ctx, Event{At: s.now(), Actor: sub.Requester, Kind: kind, Rule: p.decision.Rule, Outcome: map[string]string{"denied_by_policy": "denied", "rate_limited": "limited"}[kind],
				Detail: fmt.Sprintf("action=%s pool=%s target=%s: %s", action, orDefault(p.decision.Pool.Name, sub.Pool), MaskRef(sub.Target), ErrorMessage(err))})
		}
		s.log.InfoContext(ctx, "read refused", "requester", sub.Requester, "action", action, "target", MaskRef(sub.Target), "err", err)
	}
	return p, err
}

// lookupAllowed refuses a read-only lookup once the requester has made as many as the policy's
// per_requester_lookups allows in its window (the rule's, else the file's, else the default):
// each is a call to Cognito, whose quota the production app shares. Lookups are counted in the
// audit trail, so the limit holds across restarts and replicas.
func (s *Service) lookupAllowed(ctx context.Context, requester string, d policy.Decision) error {
	max, window := d.Limits.PerRequesterLookupsMax, d.Limits.PerRequesterLookupsWindow
	if max <= 0 {
		max, window = policy.DefaultLookupsMax, policy.DefaultLookupsWindow
	}
	n := 0
	err := s.store.ScanEvents(ctx, EventFilter{Since: s.now().Add(-window), Actor: requester, Kinds: lookupKinds}, func(Event) error {
		if n++; n >= max {
			return ErrStopScan
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("count the lookups of %s: %w", requester, err)
	}
	if n >= max {
		return &Error{Code: ELIMITED, Message: fmt.Sprintf("You have looked up %s in the last %s; the policy allows %d. Try again later.",
			plural(n, "user"), humanDuration(window), max), Err: fmt.Errorf("%d lookups by %s since %s", n, requester, s.now().Add(-window).Format(time.RFC3339))}
	}
	return nil
}

// lookupOutcome is the audit outcome of a lookup that failed: the user or pool not found, or
// an error.
func lookupOutcome(err error) string {
	if code := ErrorCode(err); code == ENOTFOUND || code == EPOOLNOTFOUND {
		return code
	}
	return "error"
}

// auditLookup records a read-only lookup and what it found: each is a Cognito call, and the
// lookup limit counts them.
// The target is the username found, else the reference as typed, masked.
func (s *Service) auditLookup(ctx context.Context, p prepared, action policy.Action, outcome, detail string) {
	target := p.user.Username
	if target == "" {
		target = MaskRef(p.sub.Target)
	}
	s.appendEvent(ctx, Event{At: s.now(), Actor: p.sub.Requester, Kind: string(action), Rule: p.decision.Rule, Outcome: outcome,
		Detail: fmt.Sprintf("pool=%s target=%s%s", p.decision.Pool.Name, target, detail)})
}

// Status answers `status`: the policy must allow it; it reports the pool and the user.
func (s *Service) Status(ctx context.Context, sub Submission) (StatusReport, error) {
	p, err := s.readOnly(ctx, sub, policy.ActionStatus)
	if err != nil {
		if p.lookupErr != nil && errors.Is(err, p.lookupErr) {
			s.auditLookup(ctx, p, policy.ActionStatus, lookupOutcome(err), "")
		}
		return StatusReport{}, err
	}
	d, u := p.decision, p.user
	s.auditLookup(ctx, p, policy.ActionStatus, "shown", "")
	recent, err := s.store.CountByTarget(ctx, d.Pool.ID, u.Username, s.now().Add(-recentWindow))
	if err != nil {
		return StatusReport{}, fmt.Errorf("count recent requests: %w", err)
	}
	target := snapshot(p.sub.Target, u)
	target.ContactDigest = "" // only a request binds to the addresses
	return StatusReport{
		Pool: d.Pool, Target: target, Enabled: u.Enabled,
		Created: u.Created, Modified: u.Modified, Recent: recent, Rule: d.Rule,
	}, nil
}

// History answers `history`: the policy must allow it; it returns the newest requests for the
// user, newest first. A user Cognito no longer has is looked for under the name as typed.
func (s *Service) History(ctx context.Context, sub Submission) ([]*Request, error) {
	p, err := s.readOnly(ctx, sub, policy.ActionHistory)
	username, outcome := p.user.Username, "shown"
	if err != nil {
		if p.lookupErr == nil || !errors.Is(err, p.lookupErr) {
			return nil, err
		}
		if ErrorCode(err) != ENOTFOUND {
			s.auditLookup(ctx, p, policy.ActionHistory, lookupOutcome(err), "")
			return nil, err
		}
		username, outcome = p.sub.Target, lookupOutcome(err)
	}
	d := p.decision
	rs, err := s.store.History(ctx, d.Pool.ID, username, historyLimit)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", MaskRef(username), err)
	}
	s.auditLookup(ctx, p, policy.ActionHistory, outcome, fmt.Sprintf(" requests=%d", len(rs)))
	return rs, nil
}
