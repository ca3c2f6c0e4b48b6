package cognito_test

import (
	"crypto/rand"
	"testing"

	"github.com/resetbot/resetbot/cognito"
)

// BenchmarkGeneratePassword measures one generated password on crypto/rand for Cognito's
// default policy and for the longest policy Cognito allows.
func BenchmarkGeneratePassword(b *testing.B) {
	for _, bc := range []struct {
		name string
		p    cognito.PasswordPolicy
	}{
		{"default", cognito.PasswordPolicy{MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true}},
		{"min-99", cognito.PasswordPolicy{MinimumLength: 99, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := cognito.GeneratePassword(rand.Reader, bc.p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
