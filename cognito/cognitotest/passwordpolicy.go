package cognitotest

import (
	"strings"
	"unicode"
)

// passwordPolicy is a pool's PasswordPolicy, in its wire shape.
type passwordPolicy struct {
	MinimumLength                 int32 `json:"MinimumLength"`
	RequireUppercase              bool  `json:"RequireUppercase"`
	RequireLowercase              bool  `json:"RequireLowercase"`
	RequireNumbers                bool  `json:"RequireNumbers"`
	RequireSymbols                bool  `json:"RequireSymbols"`
	TemporaryPasswordValidityDays int32 `json:"TemporaryPasswordValidityDays"`
}

// defaultPasswordPolicy is what CreateUserPool sets when the request has none.
var defaultPasswordPolicy = passwordPolicy{
	MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true,
	RequireSymbols: true, TemporaryPasswordValidityDays: defaultTempValidDays,
}

// symbols are the characters Cognito counts as special; a space inside a password counts too.
const symbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-"

const maxPasswordLength = 256

func (p passwordPolicy) validate() *apiError {
	if p.MinimumLength < 6 || p.MinimumLength > 99 {
		return errInvalidParameter("1 validation error detected: Value '%d' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value between 6 and 99", p.MinimumLength)
	}
	if p.TemporaryPasswordValidityDays < 0 || p.TemporaryPasswordValidityDays > 365 {
		return errInvalidParameter("1 validation error detected: Value '%d' at 'policies.passwordPolicy.temporaryPasswordValidityDays' failed to satisfy constraint: Member must have value between 0 and 365", p.TemporaryPasswordValidityDays)
	}
	return nil
}

// check answers whether Cognito would accept password under the policy, with Cognito's error.
func (p passwordPolicy) check(password string) *apiError {
	if password == "" {
		return errRequired("password")
	}
	if len(password) > maxPasswordLength || strings.TrimSpace(password) != password {
		return errInvalidParameter(`1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\S]+.*[\S]+$`)
	}
	var upper, lower, digit, symbol bool
	for _, r := range password {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		case r == ' ' || (r < unicode.MaxASCII && strings.ContainsRune(symbols, r)):
			symbol = true
		}
	}
	rules := []struct {
		broken bool
		why    string
	}{
		{int32(len([]rune(password))) < p.MinimumLength, "Password not long enough"},
		{p.RequireUppercase && !upper, "Password must have uppercase characters"},
		{p.RequireLowercase && !lower, "Password must have lowercase characters"},
		{p.RequireNumbers && !digit, "Password must have numeric characters"},
		{p.RequireSymbols && !symbol, "Password must have symbol characters"},
	}
	for _, r := range rules {
		if r.broken {
			return errf("InvalidPasswordException", "Password does not conform to policy: %s", r.why)
		}
	}
	return nil
}

// tempValidity is how many days a temporary password stays valid.
func (p passwordPolicy) tempValidity() int {
	if p.TemporaryPasswordValidityDays == 0 {
		return defaultTempValidDays
	}
	return int(p.TemporaryPasswordValidityDays)
}
