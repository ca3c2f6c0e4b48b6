package cognito

import "github.com/resetbot/resetbot/internal/secret"

// Secret holds a generated password (secret.Secret). Only Reveal shows it: printed with any
// fmt verb, logged with slog or encoded as JSON it is secret.Redacted, so it cannot slip into a
// log line or an error by accident.
type Secret = secret.Secret
