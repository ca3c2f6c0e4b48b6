package main

import "github.com/resetbot/resetbot/internal/secret"

// Secret holds a token read from the environment (secret.Secret): it prints as
// secret.Redacted.
type Secret = secret.Secret

// NewSecret wraps a value.
func NewSecret(v string) Secret { return secret.New(v) }
