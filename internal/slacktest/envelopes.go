package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Envelope types.
const (
	TypeSlashCommands = "slash_commands"
	TypeInteractive   = "interactive"
	TypeEventsAPI     = "events_api"
)

// EnvelopeStatus is where an envelope is in its life.
type EnvelopeStatus string

// Envelope statuses.
const (
	StatusPending EnvelopeStatus = "pending" // sent, waiting for its ack
	StatusAcked   EnvelopeStatus = "acked"   // acknowledged in time
	StatusExpired EnvelopeStatus = "expired" // no ack within AckDeadline
	StatusLate    EnvelopeStatus = "late"    // acknowledged after AckDeadline; Slack ignored the ack
	StatusRefused EnvelopeStatus = "refused" // the ack was larger than MaxAckSize
	StatusLost    EnvelopeStatus = "lost"    // its connection closed before the ack
	StatusDropped EnvelopeStatus = "dropped" // the caller gave up waiting
)

// EnvelopeRecord is the history of one envelope the fake sent.
type EnvelopeRecord struct {
	ID           string `json:"envelope_id"`
	Type         string `json:"type"`
	Conn         string `json:"conn"`
	RetryAttempt int    `json:"retry_attempt"`
	RetryReason  string `json:"retry_reason"`
	// Accepts is the envelope's accepts_response_payload.
	Accepts    bool            `json:"accepts_response_payload"`
	SentAt     time.Time       `json:"sent_at"`
	Status     EnvelopeStatus  `json:"status"`
	AckedAt    time.Time       `json:"acked_at"`
	AckPayload json.RawMessage `json:"ack_payload,omitempty"`
	// Payload is the envelope's payload as sent.
	Payload json.RawMessage `json:"payload"`
}

// pending is an envelope waiting for its ack.
type pending struct {
	rec   *EnvelopeRecord
	conn  *wsConn
	timer Timer
	done  chan ackResult // buffered; receives exactly one result
}

type ackResult struct {
	payload json.RawMessage
	at      time.Time
	err     error
}

// Envelopes returns the history of every envelope sent, oldest first.
func (s *Server) Envelopes() []EnvelopeRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]EnvelopeRecord, len(s.envelopes))
	for i, r := range s.envelopes {
		out[i] = *r
	}
	return out
}

// deliver sends an envelope and waits for its ack. An events_api envelope left unacknowledged
// is sent again, with retry_attempt and retry_reason, up to MaxEventRetries times.
func (s *Server) deliver(ctx context.Context, typ string, payload json.RawMessage, accepts bool) (Ack, error) {
	retries := 0
	if typ == TypeEventsAPI {
		retries = MaxEventRetries
	}
	reason := ""
	for attempt := 0; ; attempt++ {
		p, err := s.send(ctx, "", typ, payload, accepts, attempt, reason)
		if err != nil {
			return Ack{}, err
		}
		ack := Ack{EnvelopeID: p.rec.ID, Type: typ, Conn: p.rec.Conn, Attempt: attempt}
		select {
		case r := <-p.done:
			if r.err == nil {
				ack.Payload = r.payload
				ack.Elapsed = r.at.Sub(p.rec.SentAt)
				return ack, nil
			}
			if errors.Is(r.err, ErrAckTimeout) && attempt < retries {
				reason = "timeout"
				continue
			}
			return ack, s.failure(r.err)
		case <-ctx.Done():
			s.abandon(p)
			return ack, ctx.Err()
		case <-s.closed:
			return ack, ErrServerClosed
		}
	}
}

// failure is what a helper reports for an envelope that ended with err: ErrServerClosed once
// the server is closed. Close closes the connections after marking the server closed, so an
// envelope it cut off may end with ErrConnectionLost as well, whichever the helper sees first.
func (s *Server) failure(err error) error {
	if s.done() {
		return ErrServerClosed
	}
	return err
}

// Redeliver sends an envelope that went out before once more, with the same envelope_id and
// payload, to the connection the route picks, and waits for its ack: Slack delivers an
// envelope at least once, and may deliver it again (over a new connection while it rotates
// them), so an app must handle each envelope_id once. The ack is returned, not applied: Slack
// acts on the first. The envelope must have been acknowledged or have ended.
func (s *Server) Redeliver(ctx context.Context, envelopeID string) (Ack, error) {
	s.mu.Lock()
	var rec *EnvelopeRecord
	for _, r := range s.envelopes {
		if r.ID == envelopeID {
			rec = r
		}
	}
	_, waiting := s.pending[envelopeID]
	s.mu.Unlock()
	switch {
	case rec == nil:
		return Ack{}, fmt.Errorf("envelope %s: %w", envelopeID, ErrNotFound)
	case waiting:
		return Ack{}, fmt.Errorf("envelope %s still waits for its ack: %w", envelopeID, ErrInvalidInput)
	}
	p, err := s.send(ctx, rec.ID, rec.Type, rec.Payload, rec.Accepts, rec.RetryAttempt, rec.RetryReason)
	if err != nil {
		return Ack{}, err
	}
	ack := Ack{EnvelopeID: p.rec.ID, Type: p.rec.Type, Conn: p.rec.Conn, Attempt: p.rec.RetryAttempt}
	select {
	case r := <-p.done:
		if r.err != nil {
			return ack, s.failure(r.err)
		}
		ack.Payload, ack.Elapsed = r.payload, r.at.Sub(p.rec.SentAt)
		return ack, nil
	case <-ctx.Done():
		s.abandon(p)
		return ack, ctx.Err()
	case <-s.closed:
		return ack, ErrServerClosed
	}
}

// send writes an envelope to the connection the route picks, waiting for one if none is open.
// The envelope gets a new id unless id is given (a redelivery).
func (s *Server) send(ctx context.Context, id, typ string, payload json.RawMessage, accepts bool, attempt int, reason string) (*pending, error) {
	for {
		s.mu.Lock()
		if s.done() {
			s.mu.Unlock()
			return nil, ErrServerClosed
		}
		c, err := s.pickLocked()
		if err != nil {
			s.mu.Unlock()
			return nil, err
		}
		if c == nil {
			changed := s.connChanged
			s.mu.Unlock()
			select {
			case <-changed:
				continue
			case <-ctx.Done():
				return nil, fmt.Errorf("waiting for a Socket Mode connection: %w", ctx.Err())
			case <-s.closed:
				return nil, ErrServerClosed
			}
		}
		envID := id
		if envID == "" {
			envID = s.ids.envelope()
		}
		rec := &EnvelopeRecord{ID: envID, Type: typ, Conn: c.id, RetryAttempt: attempt, RetryReason: reason,
			Accepts: accepts, SentAt: s.clock.Now(), Status: StatusPending, Payload: payload}
		p := &pending{rec: rec, conn: c, done: make(chan ackResult, 1)}
		s.pending[envID] = p
		s.envelopes = append(s.envelopes, rec)
		p.timer = s.clock.AfterFunc(AckDeadline, func() { s.finish(envID, StatusExpired, ackResult{err: ErrAckTimeout}) })
		s.mu.Unlock()

		frame := map[string]any{"envelope_id": envID, "payload": payload, "type": typ, "accepts_response_payload": accepts}
		if typ == TypeEventsAPI {
			frame["retry_attempt"] = attempt
			frame["retry_reason"] = reason
		}
		if err := c.writeJSON(frame); err != nil {
			// The connection died under the envelope: it never left, so try another connection.
			s.log.Debug("slacktest: envelope not sent", "conn", c.id, "err", err)
			s.finish(envID, StatusLost, ackResult{err: ErrConnectionLost})
			c.abort()
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-s.closed:
				return nil, ErrServerClosed
			default:
			}
			continue
		}
		s.mu.Lock()
		s.notifyLocked() // written: Envelopes shows it sent
		s.mu.Unlock()
		return p, nil
	}
}

// finish ends a pending envelope with a status and hands the result to its waiter.
func (s *Server) finish(id string, status EnvelopeStatus, r ackResult) {
	s.mu.Lock()
	p, ok := s.pending[id]
	if !ok {
		s.mu.Unlock()
		return
	}
	delete(s.pending, id)
	p.timer.Stop()
	p.rec.Status = status
	if status == StatusAcked {
		p.rec.AckedAt = r.at
		p.rec.AckPayload = r.payload
	}
	s.mu.Unlock()
	p.done <- r
}

// abandon forgets an envelope whose waiter gave up.
func (s *Server) abandon(p *pending) {
	s.finish(p.rec.ID, StatusDropped, ackResult{err: context.Canceled})
}

// handleAck matches an ack frame to its envelope.
func (s *Server) handleAck(c *wsConn, data []byte) {
	id, payload, err := parseAck(data)
	s.mu.Lock()
	s.recordLocked("ack", data, jsonStrings(data))
	if err != nil {
		s.mu.Unlock()
		s.log.Debug("slacktest: unreadable frame", "conn", c.id, "err", err)
		return
	}
	_, waiting := s.pending[id]
	if !waiting {
		for _, r := range s.envelopes {
			if r.ID == id && r.Status == StatusExpired {
				r.Status = StatusLate
				r.AckedAt = s.clock.Now()
				r.AckPayload = payload
			}
		}
		s.mu.Unlock()
		return
	}
	now := s.clock.Now()
	s.mu.Unlock()
	if len(data) > MaxAckSize {
		s.finish(id, StatusRefused, ackResult{err: ErrAckTooLarge})
		return
	}
	s.finish(id, StatusAcked, ackResult{payload: payload, at: now})
}

// connLostLocked fails the envelopes that went out on a closed connection. An events_api
// envelope waits for its deadline instead and is then redelivered, as Slack does. s.mu held.
func (s *Server) connLostLocked(connID string) {
	for id, p := range s.pending {
		if p.rec.Conn != connID || p.rec.Type == TypeEventsAPI {
			continue
		}
		delete(s.pending, id)
		p.timer.Stop()
		p.rec.Status = StatusLost
		p.done <- ackResult{err: ErrConnectionLost}
	}
}
