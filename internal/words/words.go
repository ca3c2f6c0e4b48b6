// Package words writes lists the way people read them in messages: "a, b or c".
package words

import "strings"

// Or writes "a", "a or b", "a, b or c".
func Or(items []string) string { return join(items, "or") }

// And writes "a", "a and b", "a, b and c".
func And(items []string) string { return join(items, "and") }

func join(items []string, conj string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}
