package slacktest

import (
	"context"
	"fmt"
)

// An app acknowledges first and works after, so what it posts arrives after the helper that
// triggered it returned. The Wait functions block until the workspace shows what a test
// expects: they re-check after every change (a Web API call arriving and answered, a
// response_url post, an envelope sent, an applied ack, a connection coming or going) until the
// check passes or ctx ends.

// notifyLocked wakes everyone waiting for a change; s.mu held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// WaitUntil blocks until cond returns true. cond runs without the server's lock, so it may
// call the queries (Messages, Thread, Views, ...).
func (s *Server) WaitUntil(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("waiting for the workspace: %w", ctx.Err())
		case <-s.closed:
			return ErrServerClosed
		}
	}
}

// waitFor waits until list holds an item that match accepts, and returns the first.
func waitFor[T any](ctx context.Context, s *Server, list func() []T, match func(T) bool) (T, error) {
	var found T
	err := s.WaitUntil(ctx, func() bool {
		for _, x := range list() {
			if match(x) {
				found = x
				return true
			}
		}
		return false
	})
	return found, err
}

// WaitMessage waits for a message in a conversation (top-level or in a thread) that match
// accepts, and returns the first such message, oldest first.
func (s *Server) WaitMessage(ctx context.Context, channelID string, match func(Message) bool) (Message, error) {
	return waitFor(ctx, s, func() []Message { return s.allMessages(channelID) }, match)
}

// WaitEphemeral waits for an ephemeral message shown to user that match accepts.
func (s *Server) WaitEphemeral(ctx context.Context, user string, match func(Ephemeral) bool) (Ephemeral, error) {
	return waitFor(ctx, s, func() []Ephemeral { return s.Ephemerals(user) }, match)
}

// WaitView waits for an open view of user that match accepts.
func (s *Server) WaitView(ctx context.Context, user string, match func(View) bool) (View, error) {
	return waitFor(ctx, s, func() []View { return s.Views(user) }, match)
}
