package approval

import "context"

// told is a notice being posted in the background; its channel closes once it is posted (or
// has failed, which tell logs). A nil told is one already posted.
type told <-chan struct{}

// wait returns once the notice is posted.
func (t told) wait() {
	if t != nil {
		<-t
	}
}

// tellAhead posts a notice in the background, after the one before it (nil for none), so that
// Slack's answers do not hold up the store or Cognito: a run starts its Cognito calls while
// "Running" is being posted. Whoever tells the next notice of the request waits for it first,
// so that the thread keeps its order. It tells a copy of r, which tell may fill in.
func (s *Service) tellAhead(ctx context.Context, before told, r *Request, n Notice) told {
	done := make(chan struct{})
	cp := *r
	go func() {
		defer close(done)
		defer func() {
			if v := recover(); v != nil {
				s.panicked(ctx, "notice", cp.ID, v)
			}
		}()
		before.wait()
		s.tell(ctx, &cp, n)
	}()
	return done
}
