package slacktest

import (
	"context"
	"fmt"
)

// An app acknowledges first and works after, so what it posts arrives after the helper that
// triggered it returned. The Wait functions block until the workspace shows what a test
// expects: they re-check after every change (a Web API call arriving and answered, a
// response_url post, an applied ack, a connection coming or going) until the check passes or
// ctx ends.

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

// WaitMessage waits for a message in a conversation (top-level or in a thread) that match
// accepts, and returns the first such message, oldest first.
func (s *Server) WaitMessage(ctx context.Context, channelID string, match func(Message) bool) (Message, error) {
	var found Message
	err := s.WaitUntil(ctx, func() bool {
		for _, m := range s.allMessages(channelID) {
			if match(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found, err
}

// WaitEphemeral waits for an ephemeral message shown to user that match accepts.
func (s *Server) WaitEphemeral(ctx context.Context, user string, match func(Ephemeral) bool) (Ephemeral, error) {
	var found Ephemeral
	err := s.WaitUntil(ctx, func() bool {
		for _, e := range s.Ephemerals(user) {
			if match(e) {
				found = e
				return true
			}
		}
		return false
	})
	return found, err
}

// WaitView waits for an open view of user that match accepts.
func (s *Server) WaitView(ctx context.Context, user string, match func(View) bool) (View, error) {
	var found View
	err := s.WaitUntil(ctx, func() bool {
		for _, v := range s.Views(user) {
			if match(v) {
				found = v
				return true
			}
		}
		return false
	})
	return found, err
}
