package textform

import (
	"regexp"
	"strings"
	"testing"
)

// forms are the forms of this package, each beside the regular expression it stands for.
var forms = []struct {
	name    string
	pattern *regexp.Regexp
	ok      func(string) bool
}{
	{"Only", regexp.MustCompile(`^[A-Za-z0-9._-]{1,40}$`), func(s string) bool { return Only(s, Chars("A-Za-z0-9._-"), 1, 40) }},
	{"Only unbounded", regexp.MustCompile(`^[a-z]{2,}$`), func(s string) bool { return Only(s, Chars("a-z"), 2, -1) }},
	{"Run", regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`), func(s string) bool { return Run(s, Chars("UW"), Chars("A-Z0-9"), 2, -1) }},
	{"Run bounded", regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,79}$`), func(s string) bool { return Run(s, Chars("a-z0-9"), Chars("a-z0-9._-"), 0, 79) }},
	{"Region", regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`), Region},
	{"PoolID", regexp.MustCompile(`^([a-z]{2}(?:-[a-z]+)+-[0-9]+)_[0-9A-Za-z]+$`), func(s string) bool { _, ok := PoolID(s); return ok }},
}

var seeds = []string{
	"", "a", "ab", "U0123ABCD", "W1", "W12", "u0123", "S0123", "eu-west-1", "us-gov-east-1", "eu-1", "eu--1", "eu-west-",
	"EU-west-1", "eu-west-1a", "eu-west-1_AbCdEf123", "eu-west-1_", "eu-west-1_a_b", "_x", "eu_west-1_x", "a.b-c_d",
	"é", "ab\n", "ab\x00", "\xff", strings.Repeat("a", 40), strings.Repeat("a", 41), strings.Repeat("a", 80), strings.Repeat("a", 81),
}

// FuzzForms holds every form to the regular expression it stands for, for any text.
func FuzzForms(f *testing.F) {
	for _, s := range seeds {
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

func TestPoolIDRegion(t *testing.T) {
	pattern := regexp.MustCompile(`^([a-z]{2}(?:-[a-z]+)+-[0-9]+)_[0-9A-Za-z]+$`)
	for _, s := range seeds {
		region, ok := PoolID(s)
		m := pattern.FindStringSubmatch(s)
		if ok != (m != nil) || (ok && region != m[1]) {
			t.Errorf("PoolID(%q) = %q, %v; the pattern finds %q", s, region, ok, m)
		}
	}
}

func TestChars(t *testing.T) {
	s := Chars("a-c._-")
	for c := range 256 {
		want := strings.ContainsRune("abc._-", rune(c))
		if got := s.Has(byte(c)); got != want {
			t.Errorf("Has(%q) = %v, want %v", rune(c), got, want)
		}
	}
}
