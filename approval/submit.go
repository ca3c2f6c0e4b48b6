package approval

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/resetbot/resetbot/internal/logctx"

	"github.com/resetbot/resetbot/policy"
)

// recentWindow is how far back Request.Recent counts.
const recentWindow = 30 * 24 * time.Hour

// Validate runs the policy and the lookup for a submission without storing anything, for the
// modal's ack. Field problems, a target that is not found among them, come back as a
// *ValidationError; a policy refusal as an *Error with EFORBIDDEN.
func (s *Service) Validate(ctx context.Context, sub Submission) error {
	var p prepared
	err := s.prepare(ctx, &p, sub, nil)
	if target, ok := targetProblem(p.lookupErr); ok {
		var ve *ValidationError
		if errors.As(err, &ve) {
			ve.Fields[target.field] = target.message
			return ve
		}
		if errors.Is(err, p.lookupErr) {
			return &ValidationError{Fields: map[string]string{target.field: target.message}}
		}
	}
	return err
}

// Submit records a request after the policy allows it and the target is found, posts its card
// and, when the policy needs no approval, runs it at once. Read-only actions are refused with
// EINVALID: Status and History answer them.
func (s *Service) Submit(ctx context.Context, sub Submission) (*Request, error) {
	if sub.Action.ReadOnly() {
		s.obs.Submitted(sub.Action, "invalid")
		return nil, Errorf(EINVALID, "%s is answered at once and needs no request.", sub.Action)
	}
	var p prepared
	if err := s.prepare(ctx, &p, sub, nil); err != nil {
		return nil, s.refuseSubmission(ctx, &p, err)
	}
	return s.submitPrepared(ctx, &p)
}

// submitPrepared is Submit once the policy and the directory have answered. It is a function
// of its own so that Submit's frame, on the stack while the directory waits on Cognito, holds
// little.
//
//go:noinline
func (s *Service) submitPrepared(ctx context.Context, p *prepared) (*Request, error) {
	sub := p.sub
	r, err := s.create(ctx, *p)
	if code := ErrorCode(err); code == ELIMITED || code == EOPEN {
		return nil, s.refuseSubmission(ctx, p, err)
	}
	if err != nil {
		s.obs.Submitted(sub.Action, "error")
		return nil, err
	}
	ctx = logctx.With(ctx, "request_id", r.ID)
	log := s.log.With("request_id", r.ID)
	log.InfoContext(ctx, "request submitted", "requester", r.Requester, "pool", r.Pool.Name, "target", r.Target.Username,
		"action", r.Action, "rule", r.Rule, "approvals_needed", r.ApprovalsNeeded, "ticket", r.Ticket)

	id, posted := r.ID, make(chan struct{})
	s.posting.Store(id, posted)
	defer func() { s.posting.Delete(id); close(posted) }()
	thread, err := s.notify.PostCard(ctx, r)
	if err != nil {
		code := EINTERNAL
		if ErrorCode(err) == ENOCHANNEL {
			// The requester asked where the bot was not invited: theirs to fix, not an error.
			code = ENOCHANNEL
			log.WarnContext(ctx, "the request's card cannot be posted: the bot is not in the channel", "channel", r.Channel, "err", err)
		} else {
			log.ErrorContext(ctx, "posting the request's card failed", "err", err)
		}
		cur, werr := s.withdraw(ctx, r, err)
		if errors.Is(werr, errSkip) && cur != nil && cur.Thread.TS != "" {
			// Slack posted the card after all, and a click on it said where (adoptClicked).
			log.InfoContext(ctx, "the card was posted after all: a click on it saved its thread", "err", err)
			s.obs.Submitted(sub.Action, "created")
			return s.posted(ctx, cur)
		}
		s.obs.Submitted(sub.Action, map[string]string{EINTERNAL: "error", ENOCHANNEL: "not_in_channel"}[code])
		if werr != nil {
			log.ErrorContext(ctx, "withdrawing an unposted request failed", "err", werr)
		}
		return nil, &Error{Code: code, Message: withdrawnText, Err: fmt.Errorf("post card for %s: %w", r.ID, err)}
	}
	s.obs.Submitted(sub.Action, "created")
	// The card, posted from the version before, shows the one that saves where it is: the
	// write marks it drawn. (A card a click saved first is left to that click's notice, or to
	// a sweeper.) The write starts from the version just created: a click that saved the card
	// first has changed it, and the request is then read.
	r, err = s.mutateDrawn(ctx, r, func(cur *Request) ([]Event, error) {
		if cur.Thread == thread {
			return nil, errSkip // a click on the card saved it first (adoptClicked)
		}
		cur.Thread = thread
		return nil, nil
	})
	if errors.Is(err, errSkip) {
		err = nil
	}
	if err != nil {
		log.ErrorContext(ctx, "saving the request's thread failed", "err", err)
		return nil, err
	}
	return s.posted(ctx, r)
}

// posted goes on with a request whose card is posted and its thread saved: one that needs no
// approval runs at once.
func (s *Service) posted(ctx context.Context, r *Request) (*Request, error) {
	if r.ApprovalsNeeded > 0 {
		return r, nil
	}
	return s.autoApprove(ctx, r)
}

// refuseSubmission records and counts a refused submission and returns its error.
func (s *Service) refuseSubmission(ctx context.Context, p *prepared, err error) error {
	sub, d := p.sub, p.decision
	var (
		ve      *ValidationError
		outcome = "error"
		kind    = ""
	)
	switch {
	case errors.As(err, &ve):
		outcome = "invalid"
	case ErrorCode(err) == EFORBIDDEN:
		outcome, kind = "denied", "denied_by_policy"
	case ErrorCode(err) == ELIMITED:
		outcome, kind = "limited", "rate_limited"
	case ErrorCode(err) == EOPEN:
		outcome, kind = "already_open", "already_open"
	}
	s.obs.Submitted(sub.Action, outcome)
	s.log.InfoContext(ctx, "submission refused", "requester", sub.Requester, "pool", d.Pool.Name, "target", MaskRef(sub.Target),
		"action", sub.Action, "rule", d.Rule, "outcome", outcome, "err", err)
	if kind != "" {
		s.appendEvent(ctx, Event{At: s.now(), Actor: sub.Requester, Kind: kind, Rule: d.Rule, Outcome: outcome,
			Detail: fmt.Sprintf("action=%s pool=%s target=%s: %s", sub.Action, orDefault(d.Pool.Name, sub.Pool), MaskRef(sub.Target), ErrorMessage(err))})
	}
	return err
}

// limitTexts say, per scope, that a rate limit was reached: n requests already, max allowed,
// in a period such as "in the last 1 day".
var limitTexts = map[LimitScope]func(n, max int, period string) string{
	LimitRequester: func(n, max int, period string) string {
		return fmt.Sprintf("You have made %s %s; the policy allows %d. Try again later.", plural(n, "request"), period, max)
	},
	LimitTarget: func(n, max int, period string) string {
		return fmt.Sprintf("This user has had %s %s; the policy allows %d. Talk to the people who handled them before asking again.", plural(n, "request"), period, max)
	},
}

// limits are the decision's rate limits as the store enforces them, at now.
func limits(d policy.Decision, now time.Time) []Limit {
	l := d.Limits
	var out []Limit
	for _, c := range []struct {
		scope  LimitScope
		max    int
		window time.Duration
	}{
		{LimitRequester, l.PerRequesterMax, l.PerRequesterWindow},
		{LimitTarget, l.PerTargetMax, l.PerTargetWindow},
	} {
		if c.max <= 0 {
			continue
		}
		var since time.Time
		if c.window > 0 {
			since = now.Add(-c.window)
		}
		out = append(out, Limit{Scope: c.scope, Max: c.max, Since: since})
	}
	return out
}

// limitError says in plain words which rate limit a refused request reached.
func limitError(le *LimitError, now time.Time) *Error {
	period := "so far"
	if !le.Limit.Since.IsZero() {
		period = "in the last " + humanDuration(now.Sub(le.Limit.Since))
	}
	msg := "A rate limit of the policy was reached. Try again later."
	if say, ok := limitTexts[le.Limit.Scope]; ok {
		msg = say(le.Count, le.Limit.Max, period)
	}
	return &Error{Code: ELIMITED, Message: msg, Err: le}
}

// create stores a new pending request for a prepared submission.
func (s *Service) create(ctx context.Context, p prepared) (*Request, error) {
	sub, d, now := p.sub, p.decision, s.now()
	recent, err := s.store.CountByTarget(ctx, d.Pool.ID, p.user.Username, now.Add(-recentWindow))
	if err != nil {
		return nil, fmt.Errorf("count the target's recent requests: %w", err)
	}
	r := &Request{
		State: StatePending,
		Team:  sub.Team, Enterprise: sub.Enterprise, Channel: sub.Channel,
		Requester: sub.Requester, Groups: sub.Groups,
		Pool: d.Pool, Action: d.Action, SignOut: sub.SignOut && d.Action != policy.ActionSignOut,
		Reason: sub.Reason, Ticket: sub.Ticket, VerifiedBy: sub.VerifiedBy,
		Target:          snapshot(sub.Target, p.user),
		Rule:            d.Rule,
		ApprovalsNeeded: d.Approvals,
		Approvers:       d.Approvers,
		SelfApproval:    d.SelfApproval,
		CreatedAt:       now,
		UpdatedAt:       now,
		DryRun:          s.dryRun,
		Recent:          recent,
	}
	if r.Action == "" {
		r.Action = sub.Action
	}
	if d.ExpiresAfter > 0 {
		r.ExpiresAt = now.Add(d.ExpiresAfter)
	}
	if d.RemindAfter > 0 && d.Approvals > 0 {
		r.RemindAt = now.Add(d.RemindAfter)
	}
	submitted := Event{At: now, Actor: r.Requester, Kind: "submitted", Rule: r.Rule, Outcome: string(StatePending),
		Detail: fmt.Sprintf("action=%s pool=%s target=%s ticket=%s verified_by=%s", r.Action, r.Pool.Name, r.Target.Username, r.Ticket, r.VerifiedBy)}
	const attempts = 3 // a fresh id colliding twice is not bad luck
	for i := range attempts {
		r.ID = s.newID()
		err = s.store.CreateLimited(ctx, r, append([]Limit{{Scope: LimitOpen, Max: 1}}, limits(d, now)...), submitted)
		if ErrorCode(err) != ECONFLICT || i == attempts-1 {
			break
		}
	}
	var le *LimitError
	if errors.As(err, &le) && le.Limit.Scope == LimitOpen {
		return nil, s.openRequest(ctx, r)
	}
	if errors.As(err, &le) {
		return nil, limitError(le, now)
	}
	if err != nil {
		return nil, fmt.Errorf("store the request: %w", err)
	}
	return r, nil
}

// openRequest is the refusal of r while the same request is open: the one open, when the
// store still has it.
func (s *Service) openRequest(ctx context.Context, r *Request) *OpenRequestError {
	rs, err := s.store.History(ctx, r.Pool.ID, r.Target.Username, historyLimit)
	if err != nil {
		s.log.WarnContext(ctx, "finding the open request of a refused duplicate failed", "err", err)
		return &OpenRequestError{}
	}
	for _, o := range rs {
		if o.Requester == r.Requester && o.Action == r.Action && !o.State.Final() {
			return &OpenRequestError{Open: o}
		}
	}
	return &OpenRequestError{}
}

// withdrawnText is the outcome of a request whose card could not be posted.
const withdrawnText = "The request could not be posted in Slack, so it was withdrawn; nothing was changed. Try again."

// withdraw cancels a pending request that has no card: nobody could see it to decide. A
// request that has a card by now is not withdrawn: errSkip, with the request as read.
func (s *Service) withdraw(ctx context.Context, r *Request, cause error) (*Request, error) {
	cur, err := s.mutate(ctx, r.ID, func(cur *Request) ([]Event, error) {
		if cur.State != StatePending || cur.Thread.TS != "" {
			return nil, errSkip
		}
		cur.DecidedBy = "system"
		cur.Outcome = withdrawnText
		cur.Withdrawn = true
		return recording(move(cur, StateCancelled),
			Event{Actor: "system", Kind: "cancelled", Outcome: string(StateCancelled), Detail: "no card: " + cause.Error()})
	})
	if errors.Is(err, errSkip) {
		return cur, err
	}
	if err != nil {
		return nil, err
	}
	s.log.WarnContext(ctx, "request withdrawn: it has no card", "request_id", r.ID, "cause", cause)
	return cur, nil
}

// autoApprove moves a request that needs no approval to approved and runs it.
func (s *Service) autoApprove(ctx context.Context, r *Request) (*Request, error) {
	r, err := s.mutate(ctx, r.ID, func(cur *Request) ([]Event, error) {
		return recording(move(cur, StateApproved), Event{Actor: "system", Kind: "approved", Outcome: "no approval needed"})
	})
	if err != nil {
		return r, err
	}
	return s.claimAndRun(ctx, r.ID)
}

// humanDuration says a duration in words, in its largest unit and the one below it: "24h" is
// "1 day", "3h30m" is "3 hours and 30 minutes", "26h5m" is "1 day and 2 hours". Less than a
// second is "a moment".
func humanDuration(d time.Duration) string {
	units := []struct {
		size time.Duration
		name string
	}{
		{24 * time.Hour, "day"},
		{time.Hour, "hour"},
		{time.Minute, "minute"},
		{time.Second, "second"},
	}
	var parts []string
	for i, u := range units {
		if d < u.size {
			continue
		}
		parts = append(parts, plural(int(d/u.size), u.name))
		if i+1 < len(units) {
			next := units[i+1]
			if m := int(d % u.size / next.size); m > 0 {
				parts = append(parts, plural(m, next.name))
			}
		}
		break
	}
	if len(parts) == 0 {
		return "a moment"
	}
	return strings.Join(parts, " and ")
}
