package approval

import (
	"context"
	"runtime/trace"
	"time"
)

// lookAhead is the run's look at the user again (see execute), started as soon as the
// approval that completes a request is known, while the write that claims its run is under
// way: the Cognito call and the store's write overlap instead of following each other. Its
// answer is used only by a run whose claim was won, and is checked as a lookup made after the
// claim would be; a claim lost stops it. It never outlives the call that started it: wait and
// stop return once the lookup has.
type lookAhead struct {
	done    chan struct{}
	cancel  context.CancelFunc
	grouped bool // the user's groups are read too
	user    User
	err     error
}

// lookAhead starts looking r's user up in the background. Not cut off by the caller, but
// bounded by deadline, the end of the run's lease that the claim being written starts (see
// leaseDeadline), which the run's own calls share. The user's groups are read only when
// grouped: when the decision that claims the run weighed them (policy.Decision's
// DependsOnTarget); a run whose decision comes to weigh them after all reads them then.
func (s *Service) lookAhead(ctx context.Context, r *Request, deadline time.Time, grouped bool) *lookAhead {
	ctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
	l := &lookAhead{done: make(chan struct{}), cancel: cancel, grouped: grouped}
	pool, username := r.Pool, r.Target.Username
	go func() {
		defer close(l.done)
		defer trace.StartRegion(ctx, "lookup again").End()
		if grouped {
			l.user, l.err = s.dir.Lookup(ctx, pool, username)
		} else {
			l.user, l.err = s.dir.LookupUser(ctx, pool, username)
		}
	}()
	return l
}

// wait returns the lookup's answer, or ctx's error when ctx ends first, once the lookup,
// cancelled then, has returned.
func (l *lookAhead) wait(ctx context.Context) (User, error) {
	defer l.stop()
	select {
	case <-l.done:
		return l.user, l.err
	case <-ctx.Done():
		return User{}, context.Cause(ctx)
	}
}

// stop gives up on a lookup whose answer will not be used: it cancels it and returns once it
// has returned (a cancelled Cognito call returns promptly). A nil lookAhead is none.
func (l *lookAhead) stop() {
	if l != nil {
		l.cancel()
		<-l.done
	}
}
