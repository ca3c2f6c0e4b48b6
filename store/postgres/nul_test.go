package postgres

import (
	"strings"
	"testing"
)

func TestEscapeText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"a\x00b", `a\0b`},
		{`a\b`, `a\\b`},
		{`\0`, `\\0`},
		{"\\\x00", `\\\0`},
	} {
		if got := escapeText(tt.in); got != tt.want {
			t.Errorf("escapeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := unescapeText(tt.want); got != tt.in {
			t.Errorf("unescapeText(%q) = %q, want %q", tt.want, got, tt.in)
		}
	}
}

// FuzzEscapeText: escaping leaves no NUL byte and unescaping gives back the text, so distinct
// texts stay distinct.
func FuzzEscapeText(f *testing.F) {
	for _, s := range []string{"", "a\x00b", `\`, `\0`, `\\0`, "\x00\\\x00", "\uFFFD"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := escapeText(s)
		if strings.IndexByte(e, 0) >= 0 {
			t.Fatalf("escapeText(%q) = %q holds a NUL", s, e)
		}
		if got := unescapeText(e); got != s {
			t.Fatalf("unescapeText(escapeText(%q)) = %q", s, got)
		}
	})
}
