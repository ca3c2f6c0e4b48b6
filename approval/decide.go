package approval

import (
	"context"
	"errors"
	"fmt"
	"runtime/trace"
	"slices"
	"strings"
	"time"

	"github.com/resetbot/resetbot/internal/logctx"

	"github.com/resetbot/resetbot/policy"
)

// errExpiredNow stops a decision on a pending request whose time is up; the caller expires it.
var errExpiredNow = errors.New("request expired")

// Get returns a request.
func (s *Service) Get(ctx context.Context, id string) (*Request, error) {
	r, err := s.store.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("get request %s: %w", id, err)
	}
	return r, nil
}

// Approve counts an approver's yes. Approvals are counted under the policy in force (see
// countApprovals): those given earlier that no longer count are dropped from the request, and
// when the approvals that still count are enough (a reload lowered the number needed) the
// click completes the request without counting itself. When the request has the approvals it
// needs, Approve claims it in the same write that counts the approval (approved → running, one
// compare-and-swap), runs it, and returns it as the run left it. A refused approver, a
// second click or a lost race gets an *Error (EFORBIDDEN or ECONFLICT) with a plain reason and
// changes nothing but the recount.
func (s *Service) Approve(ctx context.Context, id string, a policy.Approver) (*Request, error) {
	return s.ApproveEnvelope(ctx, id, a, Envelope{})
}

// ApproveEnvelope is Approve for a click that came in the Slack envelope e, which it claims
// (see Store.ClaimEnvelope) in the write that counts the approval, instead of in a write of its
// own before: a decision that writes nothing claims it on its own before it answers. A click
// whose envelope was claimed before (Slack delivered it again) changes nothing, audits and tells
// nothing, and gets an error that is ErrClaimedBefore. The approval that completes the request
// starts looking the user up again while its write claims the run (see lookAhead).
func (s *Service) ApproveEnvelope(ctx context.Context, id string, a policy.Approver, e Envelope) (*Request, error) {
	ctx, task := trace.NewTask(logctx.With(ctx, "request_id", id), "approve")
	defer task.End()
	started := s.starts.begin() // until the run this click may claim starts its action
	defer started()
	read := s.awaitCard(ctx, id)
	log := s.log.With("request_id", id, "approver", a.User)
	var (
		refusal  string
		refused  error
		dropped  []notCounted
		enough   bool       // the approvals that still count were enough without this one
		ahead    *lookAhead // the run's lookup, started with the write that claims the run
		deadline time.Time  // the end of the run's lease, taken with the claim (leaseDeadline)
	)
	defer func() { ahead.stop() }() // a lookup the run did not take
	s.runs.Add(1)                   // a run this approval claims is waited for from its claim on
	defer s.runs.Done()
	claimRun := func(r *Request, d policy.Decision, approved []Event) ([]Event, error) {
		events, err := s.claimWith(r, approved)
		if err == nil {
			deadline = s.leaseDeadline()
			ahead = s.lookAhead(ctx, r, deadline, d.DependsOnTarget)
		}
		return events, err
	}
	r, err := s.mutateClaiming(ctx, id, read, e, func(r *Request) ([]Event, error) {
		refusal, refused, dropped, enough = "", nil, nil, false
		ahead.stop() // an attempt that lost its compare-and-swap
		ahead = nil
		if err := s.stillOpen(r); err != nil {
			return nil, err
		}
		d := s.decideAgain(r, r.Groups, r.Target.Groups)
		if ok, why := stillHolds(r, d); !ok {
			refusal = "the decision changed: " + why
			return nil, Errorf(EFORBIDDEN, "This request can no longer be approved: %s. Ask the requester to make a new request.", why)
		}
		counted, drop, err := s.countApprovals(ctx, r, d)
		if err != nil {
			return nil, err
		}
		dropped = drop
		events := notCountedEvents(drop)
		r.Approvals = counted
		r.ApprovalsNeeded, r.Approvers, r.SelfApproval = d.Approvals, d.Approvers, d.SelfApproval
		switch {
		case len(counted) >= d.Approvals:
			enough = true
			if err := move(r, StateApproved); err != nil {
				return nil, err
			}
			return claimRun(r, d, append(events, Event{Actor: a.User, Kind: "approved", Outcome: string(r.State),
				Detail: fmt.Sprintf("%d of %d under the policy in force; this click was not needed", len(counted), d.Approvals)}))
		case slices.Contains(approvers(r), a.User):
			refused = Errorf(ECONFLICT, "You have already approved this request.")
		default:
			if ok, why := s.pol.CanApprove(d, a, r.Requester, approvers(r)); !ok {
				refusal = why
				refused = &Error{Code: EFORBIDDEN, Message: orDefault(why, "You may not approve this request.")}
			}
		}
		if refused != nil {
			if len(drop) == 0 {
				return nil, refused
			}
			return events, nil // the recount is written; the click is refused below
		}
		r.Approvals = append(r.Approvals, Approval{By: a.User, At: s.now(), Groups: slices.Clone(a.Groups)})
		if len(r.Approvals) < r.ApprovalsNeeded {
			return append(events, Event{Actor: a.User, Kind: "approved", Outcome: string(r.State),
				Detail: fmt.Sprintf("%d of %d", len(r.Approvals), r.ApprovalsNeeded)}), nil
		}
		if err := move(r, StateApproved); err != nil {
			return nil, err
		}
		return claimRun(r, d, append(events, Event{Actor: a.User, Kind: "approved", Outcome: string(r.State),
			Detail: fmt.Sprintf("%d of %d", len(r.Approvals), r.ApprovalsNeeded)}))
	})
	if err != nil || r.State != StateRunning {
		started() // no run: nothing to wait for
	}
	if err != nil && !errors.Is(err, ErrClaimedBefore) && !s.firstDelivery(ctx, e) {
		err = ErrClaimedBefore // answered, and told, when it was first delivered
	}
	if errors.Is(err, ErrClaimedBefore) {
		log.DebugContext(ctx, "dropping an approval Slack delivered again")
		return nil, err
	}
	if err == nil && len(dropped) > 0 {
		log.InfoContext(ctx, "approvals given earlier no longer count", "not_counted", len(dropped), "approvals", len(r.Approvals), "approvals_needed", r.ApprovalsNeeded)
		s.tell(ctx, r, Notice{Kind: NoticeApproved, Text: recountText(r, dropped)})
	}
	if err == nil && refused != nil {
		err = refused
	}
	switch {
	case errors.Is(err, errExpiredNow):
		return s.expireNow(ctx, id)
	case refusal != "":
		log.InfoContext(ctx, "approval refused", "reason", refusal)
		s.audit(ctx, r, Event{Actor: a.User, Kind: "approval_refused", Outcome: "refused", Detail: refusal})
		return nil, err
	case err != nil:
		log.InfoContext(ctx, "approval not counted", "err", err)
		return nil, err
	}
	if enough {
		log.InfoContext(ctx, "approvals enough under the policy in force", "approvals", len(r.Approvals), "approvals_needed", r.ApprovalsNeeded)
		run := ahead
		ahead = nil
		return s.runClaimed(ctx, r, &Notice{Kind: NoticeApproved, Actor: a.User, Text: fmt.Sprintf(
			"The policy in force needs %s and the request has %d that count. Running it now.", plural(r.ApprovalsNeeded, "approval"), len(r.Approvals))},
			deadline, run, started)
	}
	s.obs.Approved(r.Action)
	log.InfoContext(ctx, "approval counted", "approvals", len(r.Approvals), "approvals_needed", r.ApprovalsNeeded, "state", r.State)
	if r.State != StateRunning {
		s.tell(ctx, r, Notice{Kind: NoticeApproved, Actor: a.User,
			Text: fmt.Sprintf("Approved (%d of %d). Waiting for %s.", len(r.Approvals), r.ApprovalsNeeded, plural(r.ApprovalsNeeded-len(r.Approvals), "more approval"))})
		return r, nil
	}
	run := ahead
	ahead = nil
	return s.runClaimed(ctx, r, &Notice{Kind: NoticeApproved, Actor: a.User,
		Text: fmt.Sprintf("Approved (%d of %d). Running it now.", len(r.Approvals), r.ApprovalsNeeded)}, deadline, run, started)
}

// firstDelivery claims, on its own, the envelope of a decision that wrote nothing, before it
// is answered: it reports false when the envelope was claimed before. A zero e, or a store
// that cannot be asked, lets the decision be answered (the compare-and-swap still keeps it
// from being taken twice).
func (s *Service) firstDelivery(ctx context.Context, e Envelope) bool {
	if e.ID == "" {
		return true
	}
	first, err := s.store.ClaimEnvelope(ctx, e.ID, e.ReceivedAt)
	if err != nil {
		s.log.WarnContext(ctx, "claiming an envelope failed; answering it anyway", "err", err)
		return true
	}
	return first
}

// claimWith adds the run's claim to the approval that completed a request: one write moves it
// approved → running, with both events, instead of a second read and compare-and-swap after
// the approval's.
func (s *Service) claimWith(r *Request, approved []Event) ([]Event, error) {
	running, err := s.claim(r)
	if err != nil {
		return nil, err
	}
	return append(approved, running...), nil
}

// recountText says in the thread that approvals given earlier no longer count.
func recountText(r *Request, dropped []notCounted) string {
	what := "1 approval given earlier no longer counts"
	if len(dropped) > 1 {
		what = fmt.Sprintf("%d approvals given earlier no longer count", len(dropped))
	}
	return fmt.Sprintf("%s under the policy in force: its approver may no longer approve this request. It has %d of %d.",
		what, len(r.Approvals), r.ApprovalsNeeded)
}

// Deny refuses a pending request. Whoever may approve it may deny it.
func (s *Service) Deny(ctx context.Context, id string, a policy.Approver, reason string) (*Request, error) {
	ctx = logctx.With(ctx, "request_id", id)
	read := s.awaitCard(ctx, id)
	reason = strings.TrimSpace(reason)
	log := s.log.With("request_id", id, "approver", a.User)
	r, err := s.mutateClaiming(ctx, id, read, Envelope{}, func(r *Request) ([]Event, error) {
		if err := s.stillOpen(r); err != nil {
			return nil, err
		}
		if ok, why := s.pol.CanDeny(boundDecision(r), a, r.Requester); !ok {
			return nil, &Error{Code: EFORBIDDEN, Message: orDefault(why, "You may not decide on this request.")}
		}
		r.DecidedBy, r.DenyReason = a.User, reason
		r.Outcome = "Denied; nothing was changed."
		return recording(move(r, StateDenied), Event{Actor: a.User, Kind: "denied", Outcome: string(StateDenied), Detail: reason})
	})
	if errors.Is(err, errExpiredNow) {
		return s.expireNow(ctx, id)
	}
	if err != nil {
		log.InfoContext(ctx, "denial not recorded", "err", err)
		return nil, err
	}
	log.InfoContext(ctx, "request denied", "reason", reason)
	text := "Denied. Nothing was changed."
	if reason != "" {
		text = "Denied: " + MaskAddresses(reason) + ". Nothing was changed."
	}
	s.tell(ctx, r, Notice{Kind: NoticeDenied, Actor: a.User, Text: text})
	return r, nil
}

// MayDeny reports, without changing anything, whether a may deny the request now: it is
// still pending and the policy names a as one of its approvers. The bot asks before it asks the
// approver for a reason.
func (s *Service) MayDeny(ctx context.Context, id string, a policy.Approver) (*Request, error) {
	s.awaitCard(ctx, id)
	r, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.stillOpen(r); err != nil {
		if errors.Is(err, errExpiredNow) {
			return nil, Errorf(ECONFLICT, "%s", settled[StateExpired])
		}
		return nil, err
	}
	if ok, why := s.pol.CanDeny(boundDecision(r), a, r.Requester); !ok {
		return nil, &Error{Code: EFORBIDDEN, Message: orDefault(why, "You may not decide on this request.")}
	}
	return r, nil
}

// Cancel withdraws a pending request; only its requester may.
func (s *Service) Cancel(ctx context.Context, id, user string) (*Request, error) {
	ctx = logctx.With(ctx, "request_id", id)
	read := s.awaitCard(ctx, id)
	log := s.log.With("request_id", id, "user", user)
	r, err := s.mutateClaiming(ctx, id, read, Envelope{}, func(r *Request) ([]Event, error) {
		if r.Requester != user {
			return nil, Errorf(EFORBIDDEN, "Only the person who made this request can cancel it.")
		}
		if err := s.stillOpen(r); err != nil {
			return nil, err
		}
		r.DecidedBy = user
		r.Outcome = "Cancelled by the requester; nothing was changed."
		return recording(move(r, StateCancelled), Event{Actor: user, Kind: "cancelled", Outcome: string(StateCancelled)})
	})
	if errors.Is(err, errExpiredNow) {
		return s.expireNow(ctx, id)
	}
	if err != nil {
		log.InfoContext(ctx, "cancel refused", "err", err)
		return nil, err
	}
	log.InfoContext(ctx, "request cancelled")
	s.tell(ctx, r, Notice{Kind: NoticeCancelled, Actor: user, Text: "Cancelled by the requester. Nothing was changed."})
	return r, nil
}

// stillOpen checks that a request still takes decisions: pending, with its card posted (see
// awaitCard), and not past its expiry.
func (s *Service) stillOpen(r *Request) error {
	if r.State != StatePending {
		return move(r, StatePending)
	}
	if r.Thread.TS == "" {
		return Errorf(ECONFLICT, "This request's card is still being posted; try again in a moment.")
	}
	if !r.ExpiresAt.IsZero() && !s.now().Before(r.ExpiresAt) {
		return errExpiredNow
	}
	return nil
}

// expireNow expires a request someone tried to decide on after its time, and answers them.
func (s *Service) expireNow(ctx context.Context, id string) (*Request, error) {
	if _, err := s.expire(ctx, id); err != nil && !errors.Is(err, errSkip) {
		return nil, err
	}
	return nil, Errorf(ECONFLICT, "%s", settled[StateExpired])
}

// boundDecision is the policy decision a request was made under, as it recorded it.
func boundDecision(r *Request) policy.Decision {
	return policy.Decision{
		Allowed: true, Rule: r.Rule, Pool: r.Pool, Action: r.Action,
		Approvals: r.ApprovalsNeeded, Approvers: r.Approvers, SelfApproval: r.SelfApproval,
	}
}

// approvers lists who approved a request.
func approvers(r *Request) []string {
	out := make([]string, 0, len(r.Approvals))
	for _, a := range r.Approvals {
		out = append(out, a.By)
	}
	return out
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
