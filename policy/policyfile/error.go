package policyfile

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/resetbot/resetbot/internal/words"
)

// Error is one thing wrong with a policy file: where it is, which field, and what is expected.
type Error struct {
	File   string
	Line   int // 1-based; every error names a line
	Column int // 1-based; 0 when only the line is known
	Field  string
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	fmt.Fprintf(&b, ":%d", e.Line)
	if e.Column > 0 {
		fmt.Fprintf(&b, ":%d", e.Column)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is every error found in a policy file, in the order of the file. Parse returns one
// when the file is invalid; errors.As finds it, and each *Error in it.
type ErrorList []*Error

// MaxShown is how many errors of a list its Error shows, one a line; one more line counts the
// rest. A small hostile file can hold a hundred thousand errors (a long list behind an alias
// used by every rule): resetbot policy check, resetbot check and the reload's log line stay
// short, and the first errors are the ones to fix first.
const MaxShown = 100

// MaxKept is how many errors Parse collects before it stops reading the file: past it, a
// hostile file would cost a second of CPU and a hundred megabytes on every reload for errors
// nobody reads. The list then holds the first MaxKept+1 errors found, which says that the
// file has more than MaxKept, and how many more is not known.
const MaxKept = 1000

func (l ErrorList) Error() string {
	shown := l[:min(len(l), MaxShown)]
	msgs := make([]string, len(shown), len(shown)+1)
	for i, e := range shown {
		msgs[i] = e.Error()
	}
	switch more := len(l) - len(shown); {
	case l.Truncated():
		msgs = append(msgs, fmt.Sprintf("... and more than %s more problems", thousands(MaxKept-MaxShown)))
	case more > 0:
		msgs = append(msgs, fmt.Sprintf("... and %s more %s", thousands(more), words.Plural(more, "problem", "problems")))
	}
	return strings.Join(msgs, "\n")
}

// Truncated reports whether the file has more errors than the list holds: more than MaxKept.
func (l ErrorList) Truncated() bool { return len(l) > MaxKept }

// Count says how many errors the file has, e.g. "3 errors" or "more than 1,000 errors".
func (l ErrorList) Count() string {
	if l.Truncated() {
		return "more than " + thousands(MaxKept) + " errors"
	}
	return thousands(len(l)) + " " + words.Plural(len(l), "error", "errors")
}

// thousands writes n with a comma between each group of three digits: 159,900.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Unwrap gives errors.Is and errors.As each error of the list.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// sorted returns the list ordered by position, without repeats.
func (l ErrorList) sorted() ErrorList {
	out := slices.Clone(l)
	slices.SortStableFunc(out, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	return slices.CompactFunc(out, func(a, b *Error) bool { return *a == *b })
}
