package slacktest

import (
	"regexp"
	"testing"
)

// tokenArgPattern is what redactToken replaces: a token form argument, at the start of the
// body or after an &.
var tokenArgPattern = regexp.MustCompile(`(^|&)token=[^&]*`)

func TestRedactToken(t *testing.T) {
	for body, want := range map[string]string{
		"":                                   "",
		"token=xoxb-1":                       "token=REDACTED",
		"token=xoxb-1&channel=C1&token=xapp": "token=REDACTED&channel=C1&token=REDACTED",
		"channel=C1&token=":                  "channel=C1&token=REDACTED",
		"mytoken=abc&text=token%3Dx":         "mytoken=abc&text=token%3Dx",
		"text=a+token=b":                     "text=a+token=b",
		`{"token":"xoxb-1"}`:                 `{"token":"xoxb-1"}`,
		"&&token=a&&":                        "&&token=REDACTED&&",
	} {
		if got := redactToken(body); got != want {
			t.Errorf("redactToken(%q) = %q, want %q", body, got, want)
		}
	}
}

// FuzzRedactToken holds redactToken to the regular expression it replaces.
func FuzzRedactToken(f *testing.F) {
	for _, s := range []string{"token=a", "a=b&token=c&d=e", "token=&token=", "&token=x&", "xtoken=y", "token=a&b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		want := tokenArgPattern.ReplaceAllString(body, "${1}token=REDACTED")
		if got := redactToken(body); got != want {
			t.Errorf("redactToken(%q) = %q, want %q", body, got, want)
		}
	})
}
