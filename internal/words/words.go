// Package words writes lists the way people read them in messages, "a, b or c", and picks
// the singular or the plural of a word.
package words

import "strings"

// Or writes "a", "a or b", "a, b or c".
func Or(items []string) string { return join(items, "or") }

// And writes "a", "a and b", "a, b and c".
func And(items []string) string { return join(items, "and") }

// Plural picks the word for n things: Plural(1, "rule", "rules") is "rule".
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func join(items []string, conj string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}
