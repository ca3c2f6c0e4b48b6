package approval

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMaskEmail(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"alice@example.com", "a***e@example.com"},
		{"al@example.com", "a***@example.com"},
		{"a@example.com", "a***@example.com"},
		{"@example.com", "@example.com"},
		{"bob", "b***b"},
		{"", ""},
		{"élodie@exemple.fr", "é***e@exemple.fr"},
		{`"a@b"@example.com`, `"***"@example.com`},
	} {
		if got := MaskEmail(tt.in); got != tt.want {
			t.Errorf("MaskEmail(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"+14155550123", "+1******0123"},
		{"+447700900123", "+4*******0123"},
		{"+1 (415) 555-0123", "+1******0123"},
		{"0612345678", "******5678"},
		{"+12345", "+***45"},
		{"12", "12"},
		{"", ""},
		{"call me", "c***e"},
	} {
		if got := MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzMaskEmail: masking never panics, keeps the domain, and shows at most two characters of
// the local part.
func FuzzMaskEmail(f *testing.F) {
	for _, s := range []string{"alice@example.com", "a@b", "", "@", "x@y@z", "\xff@\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := MaskEmail(s)
		at := strings.LastIndexByte(s, '@')
		if at >= 0 && !strings.HasSuffix(got, s[at:]) {
			t.Fatalf("MaskEmail(%q) = %q lost the domain", s, got)
		}
		local, masked := s, got
		if at >= 0 {
			local, masked = s[:at], strings.TrimSuffix(got, s[at:])
		}
		// At most the first and last character of the local part, around "***".
		if n := utf8.RuneCountInString(masked); local != "" && (n > 5 || !strings.Contains(masked, "***")) {
			t.Fatalf("MaskEmail(%q) = %q shows more than two characters of %q", s, got, local)
		}
	})
}

// FuzzMaskPhone: masking never panics and shows at most five digits.
func FuzzMaskPhone(f *testing.F) {
	for _, s := range []string{"+14155550123", "", "+", "0", "+1 415 555 0123 ext 9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := MaskPhone(s)
		digits := 0
		for _, r := range got {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		if digits > 5 {
			t.Fatalf("MaskPhone(%q) = %q shows %d digits", s, got, digits)
		}
	})
}

func TestMaskAddresses(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"locked out after a phone change", "locked out after a phone change"},
		{"user alice@example.com called; cc bob.smith+it@mail.example.co.uk", "user a***e@example.com called; cc b***t@mail.example.co.uk"},
		{"<mailto:al@example.org|al@example.org>", "<mailto:a***@example.org|a***@example.org>"},
		{"not an address: @handle, a@b, x@y.z1", "not an address: @handle, a@b, x@y.z1"},
	} {
		if got := MaskAddresses(tt.in); got != tt.want {
			t.Errorf("MaskAddresses(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
