package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
)

// redacted is what a Secret shows in place of its value, wherever it is printed.
const redacted = "[REDACTED]"

// Secret holds a token read from the environment. It prints, formats, marshals and logs as
// [REDACTED]; the value is read only through Reveal, at the one place it is handed to a client.
type Secret struct {
	value string
}

// NewSecret wraps a value.
func NewSecret(v string) Secret { return Secret{value: v} }

// Reveal returns the value, for the client that sends it and for nothing else.
func (s Secret) Reveal() string { return s.value }

// Empty reports whether no value was given.
func (s Secret) Empty() bool { return s.value == "" }

// Decode sets the value from the environment (envconfig.Decoder). White space around it is
// dropped: a token copied from a file or a terminal often ends in a newline, and no token
// has white space.
func (s *Secret) Decode(v string) error {
	s.value = strings.TrimSpace(v)
	return nil
}

// String redacts.
func (s Secret) String() string { return redacted }

// GoString redacts (%#v).
func (s Secret) GoString() string { return redacted }

// Format redacts for every verb, so no formatting verb prints the value.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// MarshalJSON redacts.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(redacted) }

// MarshalText redacts (YAML, XML and text encoders).
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LogValue redacts (log/slog).
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }
