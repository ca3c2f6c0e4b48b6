package policyfile

import (
	"regexp"
	"strings"
	"testing"
)

// groupNamePattern is the regular expression isGroupName stands for.
var groupNamePattern = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$`)

// FuzzGroupName holds isGroupName to the regular expression it replaces, for any text.
func FuzzGroupName(f *testing.F) {
	for _, seed := range []string{
		"", "admins", "Support-Tier_2", "ops.eu@west", "two words", "tab\there", "ünïcødé", "日本語", "emoji😀",
		"\ufffd", "\xff", strings.Repeat("a", 128), strings.Repeat("a", 129), strings.Repeat("é", 128), strings.Repeat("é", 129),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isGroupName(s), groupNamePattern.MatchString(s); got != want {
			t.Errorf("isGroupName(%q) = %v, the pattern says %v", s, got, want)
		}
	})
}
