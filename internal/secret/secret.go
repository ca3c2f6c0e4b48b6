// Package secret holds values never to be printed: tokens read from the environment and
// generated passwords. A Secret prints, formats, marshals and logs as [REDACTED]; its value is
// read only through Reveal, at the one place it is handed on.
package secret

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
)

// Redacted is what a Secret shows in place of its value, wherever it is printed, and what
// replaces a secret found in an error's text.
const Redacted = "[REDACTED]"

// Secret holds a token or a password. It prints, formats, marshals and logs as [REDACTED];
// the value is read only through Reveal, at the one place it is handed on.
type Secret struct {
	value string
}

// New wraps a value.
func New(v string) Secret { return Secret{value: v} }

// Reveal returns the value, for the one place it is handed on and for nothing else.
func (s Secret) Reveal() string { return s.value }

// Empty reports whether no value was given.
func (s Secret) Empty() bool { return s.value == "" }

// Scrub returns text with every occurrence of the value replaced by Redacted: for an error
// whose text may hold what it failed to hand on. It reads the value without showing it.
func (s Secret) Scrub(text string) string {
	if s.value == "" {
		return text
	}
	return strings.ReplaceAll(text, s.value, Redacted)
}

// Decode sets the value from the environment (envconfig.Decoder). White space around it is
// dropped: a token copied from a file or a terminal often ends in a newline, and no token
// has white space.
func (s *Secret) Decode(v string) error {
	s.value = strings.TrimSpace(v)
	return nil
}

// String redacts.
func (s Secret) String() string { return Redacted }

// GoString redacts (%#v).
func (s Secret) GoString() string { return Redacted }

// Format redacts for every verb, so no formatting verb prints the value.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(Redacted)) }

// MarshalJSON redacts.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(Redacted) }

// MarshalText redacts (YAML, XML and text encoders).
func (s Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// LogValue redacts (log/slog).
func (s Secret) LogValue() slog.Value { return slog.StringValue(Redacted) }
