package policy

import (
	"regexp"
	"strings"
	"testing"
)

// FuzzPrincipalForms holds the forms of a principal and of what may be echoed to the regular
// expressions they stand for, for any text.
func FuzzPrincipalForms(f *testing.F) {
	forms := []struct {
		name    string
		pattern *regexp.Regexp
		ok      func(string) bool
	}{
		{"isUserID", regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`), isUserID},
		{"isGroupID", regexp.MustCompile(`^S[A-Z0-9]{2,}$`), isGroupID},
		{"isHandle", regexp.MustCompile(`^@[a-z0-9][a-z0-9._-]{0,79}$`), isHandle},
		{"echoable", regexp.MustCompile(`^[A-Za-z0-9._-]{1,40}$`), echoable},
	}
	for _, s := range []string{
		"", "U0123ABCD", "W12", "U1", "u0123", "S0123ABCD", "S", "@support", "@Support", "@", "@-x", "@a" + strings.Repeat("b", 79),
		"@a" + strings.Repeat("b", 80), "prod", "a.b_c-d", strings.Repeat("a", 41), "<!channel>", "é", "\xff", "U01\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, fm := range forms {
			if got, want := fm.ok(s), fm.pattern.MatchString(s); got != want {
				t.Errorf("%s(%q) = %v, the pattern %s says %v", fm.name, s, got, fm.pattern, want)
			}
		}
	})
}
