package approval

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// MaskEmail hides most of an address's local part: it keeps the first and last character of a
// local part of three or more characters ("alice@example.com" → "a***e@example.com"), only the
// first of a shorter one ("al@example.com" → "a***@example.com"), and the domain. A string
// without "@" is masked as a whole the same way. The empty string stays empty.
func MaskEmail(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return maskMiddle(s)
	}
	return maskMiddle(s[:at]) + s[at:]
}

// maskMiddle keeps the first rune, and the last when there are three or more.
func maskMiddle(s string) string {
	n := utf8.RuneCountInString(s)
	if n == 0 {
		return ""
	}
	first, size := utf8.DecodeRuneInString(s)
	if n < 3 {
		return string(first) + "***"
	}
	last, _ := utf8.DecodeLastRuneInString(s[size:])
	return string(first) + "***" + string(last)
}

// MaskPhone hides the middle digits of a phone number: it keeps a leading "+" with the first
// digit after it, and the last four digits ("+14155550123" → "+1******0123"); every hidden
// digit becomes one "*". A number of eight digits or fewer keeps only its last two. The empty
// string stays empty.
func MaskPhone(s string) string {
	var digits []rune
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits = append(digits, r)
		}
	}
	if len(digits) == 0 {
		return maskMiddle(s)
	}
	plus := strings.HasPrefix(strings.TrimSpace(s), "+")
	keepHead, keepTail := 0, 2
	if len(digits) > 8 {
		keepTail = 4
		if plus {
			keepHead = 1
		}
	}
	var b strings.Builder
	if plus {
		b.WriteByte('+')
	}
	for i, d := range digits {
		if i < keepHead || i >= len(digits)-keepTail {
			b.WriteRune(d)
		} else {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// emailPattern finds what looks like an email address in free text.
var emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)

// MaskAddresses masks every email address in free text (a reason, a denial's reason) as
// MaskEmail does, for text shown in a channel.
func MaskAddresses(s string) string {
	return emailPattern.ReplaceAllStringFunc(s, MaskEmail)
}

// MaskRef masks a user reference as typed or as a username: an email as MaskEmail does, a
// phone number (starting with "+") as MaskPhone does, anything else as it is.
func MaskRef(ref string) string {
	switch {
	case strings.Contains(ref, "@"):
		return MaskEmail(ref)
	case strings.HasPrefix(ref, "+"):
		return MaskPhone(ref)
	}
	return ref
}
