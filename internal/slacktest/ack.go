package slacktest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Ack is an envelope's acknowledgement as the app sent it.
type Ack struct {
	EnvelopeID string
	Type       string // the envelope's type: slash_commands, interactive, events_api
	Conn       string // the connection the envelope went out on
	// Payload is the ack's payload: a slash-command reply, a view submission's response_action,
	// ... Nil when the ack carried none (an empty object counts as none).
	Payload json.RawMessage
	// Attempt is the retry_attempt of the delivery that was acknowledged (events_api).
	Attempt int
	// Elapsed is the time from sending the envelope to its ack, on the server clock.
	Elapsed time.Duration
}

// Decode decodes the payload into v.
func (a Ack) Decode(v any) error {
	if a.Payload == nil {
		return errors.New("ack carried no payload")
	}
	if err := json.Unmarshal(a.Payload, v); err != nil {
		return fmt.Errorf("decoding ack payload: %w", err)
	}
	return nil
}

// ackReply is what Slack reads from an ack payload.
type ackReply struct {
	Text            string            `json:"text"`
	Blocks          json.RawMessage   `json:"blocks"`
	ResponseType    string            `json:"response_type"`
	ResponseAction  string            `json:"response_action"`
	Errors          map[string]string `json:"errors"`
	View            json.RawMessage   `json:"view"`
	ThreadTS        string            `json:"thread_ts"`
	ReplaceOriginal bool              `json:"replace_original"`
	DeleteOriginal  bool              `json:"delete_original"`
}

func (a Ack) reply() ackReply {
	var r ackReply
	if a.Payload != nil {
		_ = json.Unmarshal(a.Payload, &r)
	}
	return r
}

// Text is the text of a slash-command reply carried by the ack.
func (a Ack) Text() string { return a.reply().Text }

// ResponseAction is the response_action of a view submission's ack ("errors", "update",
// "push", "clear"), or "".
func (a Ack) ResponseAction() string { return a.reply().ResponseAction }

// Errors are the field errors of a response_action "errors" ack, by block_id.
func (a Ack) Errors() map[string]string { return a.reply().Errors }

// ackMessage is a frame the app sends on a Socket Mode connection.
type ackMessage struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

// parseAck reads an ack frame. It returns the envelope id and the payload, nil when the payload
// is absent, null or an empty object.
func parseAck(data []byte) (string, json.RawMessage, error) {
	var m ackMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return "", nil, fmt.Errorf("ack is not a JSON object: %w", err)
	}
	if m.EnvelopeID == "" {
		return "", nil, errors.New("ack has no envelope_id")
	}
	p := bytes.TrimSpace(m.Payload)
	if len(p) == 0 || bytes.Equal(p, []byte("null")) {
		return m.EnvelopeID, nil, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(p, &obj); err == nil && len(obj) == 0 {
		return m.EnvelopeID, nil, nil
	}
	return m.EnvelopeID, json.RawMessage(p), nil
}
