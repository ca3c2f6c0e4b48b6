package cognito

import (
	"fmt"
	"log/slog"
)

const redacted = "[redacted]"

// Secret holds a generated password. Only Reveal shows it: printed with any fmt verb, logged
// with slog or encoded as JSON it is "[redacted]", so it cannot slip into a log line or an
// error by accident.
type Secret struct{ value string }

// Reveal returns the password, for the one place it must go (the requester, privately).
func (s Secret) Reveal() string { return s.value }

func (s Secret) String() string               { return redacted }
func (s Secret) GoString() string             { return redacted }
func (s Secret) Format(f fmt.State, _ rune)   { _, _ = f.Write([]byte(redacted)) }
func (s Secret) LogValue() slog.Value         { return slog.StringValue(redacted) }
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
