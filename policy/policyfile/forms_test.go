package policyfile

import (
	"regexp"
	"strings"
	"testing"
)

// FuzzTextForms holds the checks of textChecks, isName and shape to the regular expressions
// they stand for, for any text.
func FuzzTextForms(f *testing.F) {
	forms := []struct {
		name    string
		pattern *regexp.Regexp
		ok      func(string) bool
	}{
		{"team", regexp.MustCompile(`^T[A-Z0-9]{2,}$`), textChecks["team"].ok},
		{"enterprise", regexp.MustCompile(`^E[A-Z0-9]{2,}$`), textChecks["enterprise"].ok},
		{"channel", regexp.MustCompile(`^[CGD][A-Z0-9]{2,}$`), textChecks["channel"].ok},
		{"region", regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`), textChecks["region"].ok},
		{"pool", regexp.MustCompile(`^([a-z]{2}(?:-[a-z]+)+-[0-9]+)_[0-9A-Za-z]+$`), textChecks["pool"].ok},
		{"rule", regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`), textChecks["rule"].ok},
		{"effect", regexp.MustCompile(`^(allow|deny)$`), textChecks["effect"].ok},
		{"isName", regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`), isName},
	}
	indexes := regexp.MustCompile(`\[[0-9]+\]`)
	for _, s := range []string{
		"", "T0123ABCD", "E01", "C0123", "G0AB", "D0AB", "#general", "eu-west-1", "us-gov-east-1", "eu-1", "eu-west-1_AbCdEf123",
		"eu-west-1_", "allow", "deny", "Allow", "prod", "prod_eu-1", strings.Repeat("a", 32), strings.Repeat("a", 33),
		strings.Repeat("r", 64), strings.Repeat("r", 65), "rules[2].actions", "a[b][12]]", "[[1]]", "x[]y[0", "é", "\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, fm := range forms {
			if got, want := fm.ok(s), fm.pattern.MatchString(s); got != want {
				t.Errorf("%s(%q) = %v, the pattern %s says %v", fm.name, s, got, fm.pattern, want)
			}
		}
		if got, want := shape(s), indexes.ReplaceAllString(s, "[]"); got != want {
			t.Errorf("shape(%q) = %q, want %q", s, got, want)
		}
	})
}
