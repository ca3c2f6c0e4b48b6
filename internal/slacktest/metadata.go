package slacktest

import (
	"bytes"
	"encoding/json"
	"regexp"
)

// Metadata is a message's metadata: what an app attaches to a message for apps to read back
// (chat.postMessage's and chat.update's metadata argument). People do not see it.
type Metadata struct {
	EventType string `json:"event_type"`
	// EventPayload is the payload as the app sent it: a JSON object.
	EventPayload json.RawMessage `json:"event_payload"`
}

// eventTypePattern is the shape of an event_type Slack takes: an alphanumeric name, words
// joined by underscores ("task_created"), namespaced with dots at most.
var eventTypePattern = regexp.MustCompile(`^[A-Za-z0-9]+([_.][A-Za-z0-9]+)*$`)

// maxEventTypeLength is the longest event_type the fake takes.
const maxEventTypeLength = 255

// maxMetadataSize is the largest metadata argument, in bytes, the fake takes.
const maxMetadataSize = 8 << 10

// parseMetadata reads a message's metadata argument as Slack does: a JSON object with an
// event_type that is an alphanumeric name and an event_payload that is an object. A value that
// is not a JSON object is invalid_metadata_format; an object of another shape is
// invalid_metadata_schema; one over maxMetadataSize is metadata_too_large.
func parseMetadata(raw json.RawMessage) (*Metadata, *apiError) {
	if len(raw) > maxMetadataSize {
		return nil, slackError("metadata_too_large")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return nil, slackError("invalid_metadata_format")
	}
	var m Metadata
	if err := json.Unmarshal(fields["event_type"], &m.EventType); err != nil ||
		len(m.EventType) > maxEventTypeLength || !eventTypePattern.MatchString(m.EventType) {
		return nil, slackError("invalid_metadata_schema", "event_type must be an alphanumeric name such as task_created")
	}
	payload := bytes.TrimSpace(fields["event_payload"])
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(payload, &obj); err != nil || obj == nil {
		return nil, slackError("invalid_metadata_schema", "event_payload must be an object")
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, payload); err != nil {
		return nil, slackError("invalid_metadata_format")
	}
	m.EventPayload = compact.Bytes()
	return &m, nil
}

// metadataArg reads the metadata argument of a call, if it has one.
func metadataArg(a args) (*Metadata, bool, *apiError) {
	raw, ok := a.raw("metadata")
	if !ok {
		return nil, false, nil
	}
	m, err := parseMetadata(raw)
	return m, true, err
}
