package cognito

import (
	"regexp"
	"testing"
)

// FuzzIsSub holds isSub to the regular expression it stands for, for any text.
func FuzzIsSub(f *testing.F) {
	pattern := regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	for _, s := range []string{
		"", "00000000-0000-4000-8000-000000000000", "ABCDEF01-abcd-4000-8000-0123456789ab", "00000000-0000-4000-8000-00000000000",
		"00000000-0000-4000-8000-0000000000000", "0000000-00000-4000-8000-000000000000", "g0000000-0000-4000-8000-000000000000",
		"00000000-0000-4000-8000-000000000000-", "00000000000040008000000000000000", "alice@example.com", "\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isSub(s), pattern.MatchString(s); got != want {
			t.Errorf("isSub(%q) = %v, the pattern says %v", s, got, want)
		}
	})
}
