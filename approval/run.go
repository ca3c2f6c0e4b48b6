package approval

import (
	"context"
	"fmt"
	"runtime/trace"
	"strings"
	"time"

	"github.com/resetbot/resetbot/internal/logctx"
	"github.com/resetbot/resetbot/internal/secret"
	"github.com/resetbot/resetbot/policy"
)

// runOutcome is what executing a claimed request came to.
type runOutcome struct {
	res        RunResult
	err        error // why the action did not happen (or failed)
	signedOut  bool
	signOut    RunResult // the sign-out call's result, when there was one
	signOutErr error
	dryRun     bool
}

// noticeKinds is the notice for each final state of a run.
var noticeKinds = map[State]NoticeKind{
	StateSucceeded:   NoticeSucceeded,
	StateFailed:      NoticeFailed,
	StateInterrupted: NoticeInterrupted,
}

// recordGrace is how long a run's context outlives its lease: the time to record the result,
// audit it and tell the thread.
const recordGrace = time.Minute

// claimAndRun claims an approved request (approved → running, with a lease), runs it and
// records the result. When someone else claimed it first, it returns the request as it is.
// The run goes on when ctx is cancelled: a Cognito call that was made must be recorded.
func (s *Service) claimAndRun(ctx context.Context, id string) (*Request, error) {
	ctx = logctx.With(ctx, "request_id", id)
	s.runs.Add(1)
	defer s.runs.Done()
	started := s.starts.begin()
	defer started()
	// Not cut off by the caller, but bounded: the lease, then the time to record the result.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.lease+recordGrace)
	defer cancel()
	var deadline time.Time
	r, err := s.mutate(ctx, id, func(r *Request) ([]Event, error) {
		events, err := s.claim(r)
		deadline = s.leaseDeadline()
		return events, err
	})
	if err != nil {
		if r != nil && ErrorCode(err) == ECONFLICT {
			s.log.InfoContext(ctx, "run not claimed: the request moved on", "request_id", id, "state", r.State)
			return r, nil
		}
		return nil, err
	}
	return s.runClaimed(ctx, r, nil, deadline, nil, started)
}

// claim is the change that claims an approved request for this process: approved → running,
// with a lease, and its audit event. The approval that completes a request makes it in the
// same write (Approve), a request approved earlier in a write of its own (claimAndRun).
func (s *Service) claim(r *Request) ([]Event, error) {
	if err := move(r, StateRunning); err != nil {
		return nil, err
	}
	r.LeaseOwner, r.LeaseUntil = s.owner, s.now().Add(s.lease)
	return []Event{{Actor: "system", Kind: "running", Outcome: string(StateRunning), Detail: "owner " + s.owner}}, nil
}

// leaseDeadline is when the lease of a claim made now runs out, in real time: the deadline of
// the run's calls, taken with the claim so that a lookup started with the claim's write and a
// run that starts a moment later share it. The lease itself (Request.LeaseUntil) is on the
// service's clock, which sweepers read; leaseHeld checks it before each Cognito call.
func (s *Service) leaseDeadline() time.Time { return time.Now().Add(s.lease) }

// runClaimed runs a request this process has claimed and records the result. The caller
// holds s.runs from before the claim, and a ticket of s.starts that started ends once the
// action has started. approved, when not nil, is the notice of the approval that claimed the
// run in its write: it draws the card from r, as claimed, so that "Running" need not draw it
// again. Both are told in the background once the run has started its Cognito action (or
// ended without one) and the runs approved before it have started theirs, or at the latest
// once its action has returned (see actionGate and starts); the result after them. deadline
// is the claim's leaseDeadline; ahead, when not nil, is the user's lookup started with the
// claim's write (see lookAhead).
func (s *Service) runClaimed(ctx context.Context, r *Request, approved *Notice, deadline time.Time, ahead *lookAhead, started func()) (_ *Request, err error) {
	defer ahead.stop()
	ctx = logctx.With(ctx, "request_id", r.ID)
	id := r.ID
	gate := newActionGate()
	notices := gate.told() // the last notice told ahead
	defer func() { started(); gate.open(); notices.wait() }()
	// Not cut off by the caller, but bounded: the lease, then the time to record the result.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.lease+recordGrace)
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			s.panicked(ctx, "run", id, v)
			started()
			gate.open()
			notices.wait()
			s.interruptAfterPanic(ctx, id)
			err = &Error{Code: EINTERNAL, Message: panicText, Err: fmt.Errorf("run of %s: panic: %v", id, v)}
		}
	}()
	s.log.InfoContext(ctx, "run claimed", "request_id", id, "owner", s.owner, "lease_until", r.LeaseUntil)
	if approved != nil {
		notices = s.tellAhead(ctx, notices, r, *approved)
	}
	notices = s.tellAhead(ctx, notices, r, Notice{Kind: NoticeRunning, Text: fmt.Sprintf("Running %s for %s.", r.Action, r.Target.Display()), CardDrawn: approved != nil})
	begun := s.now()
	out := s.execute(ctx, r, deadline, ahead, func() { s.starts.openAfterEarlier(gate, started) })
	started()
	gate.open()
	notices.wait() // the result is told after "Running"
	return s.finish(ctx, r, out, begun)
}

// execute looks the user up again (or takes the lookup ahead started with the claim's write)
// and runs the action only if the user and the policy decision still are what was approved.
// Every Cognito call happens within the run's lease: once it has run out, a sweeper may mark
// the run interrupted, so nothing more is started and a call in flight is cancelled (at
// deadline, the lease's end in real time). A lookup that began with the claim is waited for
// even when the lease ran out meanwhile, and then nothing more starts. started is called as
// the action is about to be called.
func (s *Service) execute(ctx context.Context, r *Request, deadline time.Time, ahead *lookAhead, started func()) runOutcome {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	user, grouped, err := s.lookAgain(ctx, r, ahead)
	if out, ok := s.stillTheUser(r, user, err); !ok {
		return out
	}
	requesterGroups := r.Groups
	if s.members != nil {
		groups, err := s.members.GroupsOf(ctx, r.Requester)
		if err != nil {
			return runOutcome{err: &Error{Code: EINTERNAL,
				Message: "Not run: the bot could not read the requester's Slack user groups to check the policy again.",
				Err:     fmt.Errorf("groups of %s: %w", r.Requester, err)}}
		}
		requesterGroups = groups
	}
	d := s.decideAgain(r, requesterGroups, user.Groups)
	if d.DependsOnTarget && !grouped {
		// The policy in force weighs the target's groups, which the lookup ahead left out
		// (the decision at the claim did not): look the user up again with them.
		user, err = s.lookupWithGroups(ctx, r)
		if out, ok := s.stillTheUser(r, user, err); !ok {
			return out
		}
		d = s.decideAgain(r, requesterGroups, user.Groups)
	}
	if ok, why := stillHolds(r, d); !ok {
		return runOutcome{err: Errorf(EFORBIDDEN, "Not run: since it was approved, %s.", why)}
	}
	counted, dropped, err := s.countApprovals(ctx, r, d)
	if err != nil {
		return runOutcome{err: fmt.Errorf("count the approvals again: %w", err)}
	}
	switch {
	case len(counted) >= d.Approvals:
	case len(dropped) == 0:
		return runOutcome{err: Errorf(EFORBIDDEN, "Not run: the policy now needs %d approvals and it had %d.", d.Approvals, len(r.Approvals))}
	default:
		return runOutcome{err: Errorf(EFORBIDDEN, "Not run: the policy in force needs %s and only %d of the %d given still count: "+
			"the others' approvers may no longer approve it.", plural(d.Approvals, "approval"), len(counted), len(r.Approvals))}
	}
	spec, known := policy.Spec(r.Action)
	if !known || spec.ReadOnly {
		return runOutcome{err: Errorf(EINVALID, "Not run: %q is not an action the bot runs.", r.Action)}
	}
	if r.DryRun || s.dryRun {
		return runOutcome{dryRun: true}
	}
	if err := s.leaseHeld(r); err != nil {
		return runOutcome{err: err}
	}
	region := trace.StartRegion(ctx, "cognito action")
	started()
	res, err := s.dir.Run(ctx, r.Pool, user, r.Action)
	region.End()
	if err != nil {
		return runOutcome{res: RunResult{AWSRequestID: res.AWSRequestID}, err: fmt.Errorf("%s %s: %w", r.Action, user.Username, err)}
	}
	out := runOutcome{res: res}
	if r.SignOut {
		out.signOut, out.signOutErr = s.dir.SignOut(ctx, r.Pool, user.Username)
		out.signedOut = out.signOutErr == nil
	}
	return out
}

// stillTheUser checks the user as just looked up again (err, the lookup's error): the run's
// lease still held, and the same account with the same contacts as when the request was made.
// ok is false, with the outcome to record, when the run must stop.
func (s *Service) stillTheUser(r *Request, user User, err error) (out runOutcome, ok bool) {
	if lease := s.leaseHeld(r); lease != nil {
		return runOutcome{err: lease}, false // it ran out before or while the user was looked up
	}
	if err != nil {
		return runOutcome{err: fmt.Errorf("look %s up again: %w", r.Target.Username, err)}, false
	}
	if user.Sub != r.Target.Sub {
		return runOutcome{err: &Error{Code: ECONFLICT,
			Message: fmt.Sprintf("Not run: %s is no longer the account the request was made for (its sub changed).", r.Target.Display()),
			Err:     fmt.Errorf("sub %q at submit, %q now", r.Target.Sub, user.Sub)}}, false
	}
	if spec, _ := policy.Spec(r.Action); spec.ContactBound && r.Target.ContactDigest != "" && contactDigest(user) != r.Target.ContactDigest {
		return runOutcome{err: Errorf(ECONFLICT, "Not run: the email or phone number of %s changed since the request was made, "+
			"so Cognito would use an address the approvers did not see. Check the change with the user, then make a new request.",
			r.Target.Display())}, false
	}
	return runOutcome{}, true
}

// lookAgain is the user as the directory has them now: the answer of the lookup ahead when
// there is one, else a lookup made now, with their groups, only while the lease lasts. grouped
// says whether the user's groups were read.
func (s *Service) lookAgain(ctx context.Context, r *Request, ahead *lookAhead) (_ User, grouped bool, _ error) {
	if ahead != nil {
		defer trace.StartRegion(ctx, "await lookup").End()
		u, err := ahead.wait(ctx)
		return u, ahead.grouped, err
	}
	u, err := s.lookupWithGroups(ctx, r)
	return u, true, err
}

// lookupWithGroups looks the request's user up now, with their groups, while the lease lasts.
func (s *Service) lookupWithGroups(ctx context.Context, r *Request) (User, error) {
	if err := s.leaseHeld(r); err != nil {
		return User{}, err
	}
	defer trace.StartRegion(ctx, "lookup again").End()
	return s.dir.Lookup(ctx, r.Pool, r.Target.Username)
}

// leaseHeld refuses to start a Cognito call once the run's lease has run out.
func (s *Service) leaseHeld(r *Request) error {
	if now := s.now(); !now.Before(r.LeaseUntil) {
		return &Error{Code: EINTERNAL,
			Message: "Not run: the bot took too long to get to it and its claim on the run ran out, so nothing was changed in Cognito.",
			Err:     fmt.Errorf("lease of %s ran out at %s, now %s", r.LeaseOwner, r.LeaseUntil.Format(time.RFC3339Nano), now.Format(time.RFC3339Nano))}
	}
	return nil
}

// finish hands a generated password to the requester, records the result and tells the thread.
func (s *Service) finish(ctx context.Context, r *Request, out runOutcome, start time.Time) (*Request, error) {
	log := s.log.With("request_id", r.ID)
	state, code, label := StateSucceeded, "", "succeeded"
	var (
		text   string
		notice Notice
	)
	switch {
	case ErrorCode(out.err) == EUNKNOWN:
		// Cognito may have made the change: told like an interrupted run, never "try again".
		state, code, label = StateInterrupted, EUNKNOWN, "outcome_unknown"
		text = unknownText(r, out.err)
		log.WarnContext(ctx, "run outcome unknown: it may or may not have happened", "action", r.Action, "aws_request_id", out.res.AWSRequestID, "err", out.err)
	case out.err != nil:
		state, code, label = StateFailed, ErrorCode(out.err), "failed"
		text, notice.FollowUp = failureText(r, out.err)
		log.WarnContext(ctx, "run failed", "action", r.Action, "code", code, "aws_request_id", out.res.AWSRequestID, "err", out.err)
	default:
		text = successText(r, out)
		if out.dryRun {
			label = "dry_run"
		}
		if out.signOutErr != nil {
			log.WarnContext(ctx, "sign-out after the action failed", "aws_request_id", out.signOut.AWSRequestID, "err", out.signOutErr)
		}
	}

	// The secret lives in this function only: handed over, then dropped. Only an action that
	// yields one (policy.ActionSpec.Secret) hands it to the requester.
	password := out.res.Password
	out.res.Password = secret.Secret{}
	if spec, _ := policy.Spec(r.Action); spec.Secret && !password.Empty() && out.err == nil {
		// Delivery keeps trying while the claim lasts: Cognito has set the password.
		dctx, cancel := context.WithTimeout(ctx, r.LeaseUntil.Sub(s.now()))
		err := s.notify.DeliverSecret(dctx, r, Secret{Password: password, ValidDays: out.res.ValidDays, Advice: secretAdvice(r, out.res.ValidDays)})
		cancel()
		if err != nil {
			state, code, label = StateFailed, EINTERNAL, "failed"
			text = fmt.Sprintf("The password of %s was changed in Cognito, but it could not be shown to the requester privately, "+
				"so nobody knows it. Next step: make a new %s request.", r.Target.Display(), r.Action)
			log.ErrorContext(ctx, "password not delivered", "err", password.Scrub(err.Error()))
		}
	}

	event := Event{Actor: "system", Kind: string(state), Outcome: text, AWSRequestID: out.res.AWSRequestID, Detail: code}
	signOut, hasSignOut := signOutEvent(out)
	region := trace.StartRegion(ctx, "record result")
	final, err := s.recordResult(ctx, r, func(cur *Request) ([]Event, error) {
		if err := move(cur, state); err != nil {
			return nil, err
		}
		cur.Outcome, cur.ErrorCode, cur.AWSRequestID = text, code, out.res.AWSRequestID
		cur.LeaseUntil = time.Time{}
		if hasSignOut {
			return []Event{signOut, event}, nil
		}
		return []Event{event}, nil
	})
	region.End()
	s.obs.Ran(r.Action, label, s.now().Sub(start))
	notice.Kind, notice.Text = noticeKinds[state], text
	if err != nil {
		// The result is known but not recorded: the sweeper marked the run interrupted
		// meanwhile, or the store stayed away until the run's lease ran out and the sweeper
		// will. Its Interrupted is the one outcome people are told, never this one on top;
		// the audit trail (when the store takes it) and the log keep what really happened.
		log.ErrorContext(ctx, "run result not recorded", "state", state, "aws_request_id", out.res.AWSRequestID, "outcome", text, "err", err)
		if hasSignOut {
			s.audit(ctx, r, signOut)
		}
		event.Kind, event.Detail = "result_not_recorded", strings.TrimSpace(string(state)+" "+code)
		s.audit(ctx, r, event)
		return nil, fmt.Errorf("record the result of %s: %w", r.ID, err)
	}
	log.InfoContext(ctx, "run finished", "state", state, "action", r.Action, "code", code, "aws_request_id", out.res.AWSRequestID, "dry_run", out.dryRun)
	s.tell(ctx, final, notice)
	return final, nil
}

// signOutEvent is the audit event of the sign-out that followed the action, a Cognito call of
// its own, with its AWS request id; ok is false when there was none.
func signOutEvent(out runOutcome) (e Event, ok bool) {
	switch {
	case out.err != nil:
		return Event{}, false
	case out.signOutErr != nil:
		return Event{Actor: "system", Kind: "sign_out_failed", Outcome: ErrorMessage(out.signOutErr),
			AWSRequestID: out.signOut.AWSRequestID, Detail: ErrorCode(out.signOutErr)}, true
	case out.signedOut:
		return Event{Actor: "system", Kind: "signed_out", Outcome: "signed out of every session",
			AWSRequestID: out.signOut.AWSRequestID}, true
	}
	return Event{}, false
}
