package bot

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The frames Slack sends on a Socket Mode connection, by their type.
const (
	frameHello      = "hello"      // the connection is ready
	frameDisconnect = "disconnect" // open a new connection; this one is going away

	envelopeSlashCommands = "slash_commands" // a slash command
	envelopeInteractive   = "interactive"    // a click, a modal submission
	envelopeEventsAPI     = "events_api"     // an Events API event
)

// envelope is one frame read from a Socket Mode connection: its outer part only, which is
// what its ack needs. The payload is left raw, to be decoded where the work runs.
type envelope struct {
	Type string `json:"type"`
	ID   string `json:"envelope_id"`
	// Accepts says whether the ack may carry an answer (accepts_response_payload): a slash
	// command's reply, a modal submission's errors.
	Accepts      bool            `json:"accepts_response_payload"`
	Payload      json.RawMessage `json:"payload"`
	RetryAttempt int             `json:"retry_attempt"`
	RetryReason  string          `json:"retry_reason"`
	// Reason is a disconnect's ("refresh_requested", "warning", ...).
	Reason string `json:"reason"`
	// ConnectionInfo is a hello's.
	ConnectionInfo struct {
		AppID string `json:"app_id"`
	} `json:"connection_info"`

	// What the reader adds.
	link     *link     // the connection the envelope came on
	received time.Time // when its frame was read
	// acked is set when the reader acknowledged the envelope at once, to how long after it
	// was read; its kind is told to ObserveAck once the payload is decoded.
	acked time.Duration
}

// errFrame marks a frame that is not a Socket Mode message the bot can read.
var errFrame = errors.New("unreadable Socket Mode frame")

// parseEnvelope reads a frame's outer part. A frame must be a JSON object with a type, and a
// frame other than hello and disconnect an envelope_id. On an error the envelope's ID is still
// set when the frame was a JSON object that named one, so that it can be acknowledged and
// dropped rather than delivered again and again.
func parseEnvelope(frame []byte) (*envelope, error) {
	env := &envelope{}
	if err := json.Unmarshal(frame, env); err != nil {
		// A field of the wrong type leaves the others read (the ID among them); a frame that
		// is not JSON leaves them all empty.
		return env, fmt.Errorf("%w: %w", errFrame, err)
	}
	switch env.Type {
	case "":
		return env, fmt.Errorf("%w: no type", errFrame)
	case frameHello, frameDisconnect:
		return env, nil
	}
	if env.ID == "" {
		return env, fmt.Errorf("%w: %s without an envelope_id", errFrame, env.Type)
	}
	return env, nil
}

// ackFrame is the ack of an envelope, with the answer it carries, if any.
type ackFrame struct {
	EnvelopeID string `json:"envelope_id"`
	Payload    any    `json:"payload,omitempty"`
}

// maxAckSize is the largest ack Slack reads: it drops a bigger one without a word.
const maxAckSize = 20 * 1024

// encodeAck makes the frame that acknowledges an envelope.
func encodeAck(envelopeID string, payload any) ([]byte, error) {
	b, err := json.Marshal(ackFrame{EnvelopeID: envelopeID, Payload: payload})
	if err != nil {
		return nil, fmt.Errorf("encoding the ack: %w", err)
	}
	if len(b) >= maxAckSize {
		return nil, fmt.Errorf("the ack is %d bytes, and Slack drops one of %d bytes or more", len(b), maxAckSize)
	}
	return b, nil
}
