// Package textform checks that a short text — an id, a name, an AWS region — has the form it
// must take, without a regular expression: a regular expression at package level is compiled
// at every start of the process, before main runs, and a counted repetition such as {0,79}
// compiles to a program as long as its count. The forms are few and simple: a first character
// from one set and a run of characters from another, of a length between bounds.
//
// To add a form, write it from Chars and Run (or Only) where it is used, and hold it to the
// regular expression it stands for with a fuzz target beside it, as the policy's packages do.
package textform

import "strings"

// Set is a set of ASCII characters, made by Chars.
type Set struct{ in [128]bool }

// Chars is the set of the characters in spec, where x-y stands for the characters from x to y
// ("A-Z0-9._-"; a - first or last stands for itself). Only ASCII characters may be named.
func Chars(spec string) *Set {
	s := &Set{}
	for i := 0; i < len(spec); i++ {
		lo, hi := spec[i], spec[i]
		if i+2 < len(spec) && spec[i+1] == '-' {
			hi = spec[i+2]
			i += 2
		}
		if hi >= 128 || lo > hi {
			panic("textform: bad set " + spec)
		}
		for c := lo; ; c++ {
			s.in[c] = true
			if c == hi {
				break
			}
		}
	}
	return s
}

// Has reports whether c is in the set.
func (s *Set) Has(c byte) bool { return c < 128 && s.in[c] }

// Only reports whether text is between min and max characters long (max < 0: no bound), each
// of set: [set]{min,max}.
func Only(text string, set *Set, min, max int) bool {
	if len(text) < min || (max >= 0 && len(text) > max) {
		return false
	}
	for i := 0; i < len(text); i++ {
		if !set.Has(text[i]) {
			return false
		}
	}
	return true
}

// Run reports whether text is one character of first, then between min and max characters of
// rest (max < 0: no bound): [first][rest]{min,max}.
func Run(text string, first, rest *Set, min, max int) bool {
	if text == "" || !first.Has(text[0]) {
		return false
	}
	return Only(text[1:], rest, min, max)
}

var (
	lower  = Chars("a-z")
	digits = Chars("0-9")
	alnum  = Chars("A-Za-z0-9")
)

// Region reports whether text has the form of an AWS region, like eu-west-1 or
// us-gov-east-1: two lower-case letters, one or more -word parts, and a -number
// (^[a-z]{2}(-[a-z]+)+-[0-9]+$).
func Region(text string) bool {
	parts := strings.Split(text, "-")
	if len(parts) < 3 || !Only(parts[0], lower, 2, 2) || !Only(parts[len(parts)-1], digits, 1, -1) {
		return false
	}
	for _, p := range parts[1 : len(parts)-1] {
		if !Only(p, lower, 1, -1) {
			return false
		}
	}
	return true
}

// PoolID reports whether text has the form of a Cognito user pool id, like
// eu-west-1_AbCdEf123 (a region, _, letters and digits), and returns its region
// (^([a-z]{2}(?:-[a-z]+)+-[0-9]+)_[0-9A-Za-z]+$).
func PoolID(text string) (region string, ok bool) {
	region, rest, found := strings.Cut(text, "_")
	if !found || !Region(region) || !Only(rest, alnum, 1, -1) {
		return "", false
	}
	return region, true
}
