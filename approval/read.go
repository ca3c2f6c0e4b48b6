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

// readOnly runs the policy and the lookup for a read-only action and audits the look.
func (s *Service) readOnly(ctx context.Context, sub Submission, action policy.Action) (prepared, error) {
	if sub.Action == "" {
		sub.Action = action
	}
	if sub.Action != action {
		return prepared{sub: sub}, Errorf(EINVALID, "This answers %s, not %s.", action, sub.Action)
	}
	p, err := s.prepare(ctx, sub)
	if err != nil && !errors.Is(err, p.lookupErr) {
		if ErrorCode(err) == EFORBIDDEN {
			s.appendEvent(ctx, Event{At: s.now(), Actor: sub.Requester, Kind: "denied_by_policy", Rule: p.decision.Rule, Outcome: "denied",
				Detail: fmt.Sprintf("action=%s pool=%s target=%s: %s", action, orDefault(p.decision.Pool.Name, sub.Pool), MaskRef(sub.Target), ErrorMessage(err))})
		}
		s.log.InfoContext(ctx, "read refused", "requester", sub.Requester, "action", action, "target", MaskRef(sub.Target), "err", err)
	}
	return p, err
}

// Status answers `status`: the policy must allow it; it reports the pool and the user.
func (s *Service) Status(ctx context.Context, sub Submission) (StatusReport, error) {
	p, err := s.readOnly(ctx, sub, policy.ActionStatus)
	if err != nil {
		return StatusReport{}, err
	}
	d, u := p.decision, p.user
	recent, err := s.store.CountByTarget(ctx, d.Pool.ID, u.Username, s.now().Add(-recentWindow))
	if err != nil {
		return StatusReport{}, fmt.Errorf("count recent requests: %w", err)
	}
	s.appendEvent(ctx, Event{At: s.now(), Actor: p.sub.Requester, Kind: "status", Rule: d.Rule, Outcome: "shown",
		Detail: fmt.Sprintf("pool=%s target=%s", d.Pool.Name, u.Username)})
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
	username := p.user.Username
	if err != nil {
		if p.lookupErr == nil || ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
		username = p.sub.Target
	}
	d := p.decision
	rs, err := s.store.History(ctx, d.Pool.ID, username, historyLimit)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", username, err)
	}
	s.appendEvent(ctx, Event{At: s.now(), Actor: p.sub.Requester, Kind: "history", Rule: d.Rule, Outcome: "shown",
		Detail: fmt.Sprintf("pool=%s target=%s requests=%d", d.Pool.Name, username, len(rs))})
	return rs, nil
}
