package postgres

import "strings"

// PostgreSQL's text cannot hold a NUL byte. An audit event keeps what a person typed exactly,
// NUL included: an event with a NUL in any of its text is stored with every text column
// escaped and its escaped flag set (migrations/0002_events_escaped.sql), and unescaped when
// read. Events without one, nearly all, are stored as written, so that they read plainly
// in psql and filters compare them as they are.

var (
	escaper   = strings.NewReplacer(`\`, `\\`, "\x00", `\0`)
	unescaper = strings.NewReplacer(`\\`, `\`, `\0`, "\x00")
)

// escapeText writes s so that it holds no NUL byte: a backslash as \\, a NUL as \0.
func escapeText(s string) string { return escaper.Replace(s) }

// unescapeText reverses escapeText.
func unescapeText(s string) string { return unescaper.Replace(s) }

// hasNUL reports whether any of ss holds a NUL byte.
func hasNUL(ss ...string) bool {
	for _, s := range ss {
		if strings.IndexByte(s, 0) >= 0 {
			return true
		}
	}
	return false
}
