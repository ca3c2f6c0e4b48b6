package cognitotest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// filter is a parsed ListUsers filter: `attribute = "value"` (exact) or `attribute ^= "value"`
// (prefix). The zero filter matches every user.
type filter struct {
	attr   string
	prefix bool
	value  string
}

// searchAttributes are the attributes ListUsers can filter on. cognito:user_status compares
// case-insensitively, the others exactly; status is "Enabled" or "Disabled".
var searchAttributes = []string{
	"username", "email", "phone_number", "name", "given_name", "family_name",
	"preferred_username", "cognito:user_status", "status", "sub",
}

var errFilter = errors.New("filter")

// parseFilter parses a ListUsers filter. Inside the quoted value a backslash escapes the next
// character (\" is a quote, \\ a backslash).
func parseFilter(s string) (filter, error) {
	rest := strings.TrimSpace(s)
	if rest == "" {
		return filter{}, nil
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return r == ' ' || r == '\t' || r == '=' || r == '^' })
	if end <= 0 {
		return filter{}, fmt.Errorf("%w: no attribute name in %q", errFilter, s)
	}
	f := filter{attr: rest[:end]}
	if !slices.Contains(searchAttributes, f.attr) {
		return filter{}, fmt.Errorf("%w: cannot search on %q", errFilter, f.attr)
	}
	rest = strings.TrimLeft(rest[end:], " \t")
	switch {
	case strings.HasPrefix(rest, "^="):
		f.prefix = true
		rest = rest[2:]
	case strings.HasPrefix(rest, "="):
		rest = rest[1:]
	default:
		return filter{}, fmt.Errorf("%w: want = or ^= after %q", errFilter, f.attr)
	}
	rest = strings.TrimLeft(rest, " \t")
	if !strings.HasPrefix(rest, `"`) {
		return filter{}, fmt.Errorf("%w: the value must be in double quotes", errFilter)
	}
	var v strings.Builder
	i := 1
	for ; i < len(rest); i++ {
		switch rest[i] {
		case '\\':
			i++
			if i == len(rest) {
				return filter{}, fmt.Errorf("%w: unterminated value", errFilter)
			}
			v.WriteByte(rest[i])
			continue
		case '"':
		default:
			v.WriteByte(rest[i])
			continue
		}
		break
	}
	if i >= len(rest) {
		return filter{}, fmt.Errorf("%w: unterminated value", errFilter)
	}
	if strings.TrimSpace(rest[i+1:]) != "" {
		return filter{}, fmt.Errorf("%w: text after the value", errFilter)
	}
	f.value = v.String()
	return f, nil
}

// String is the filter in ListUsers syntax.
func (f filter) String() string {
	if f.attr == "" {
		return ""
	}
	op := "="
	if f.prefix {
		op = "^="
	}
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return fmt.Sprintf(`%s %s "%s"`, f.attr, op, esc.Replace(f.value))
}

func (f filter) match(u *user) bool {
	var have string
	switch f.attr {
	case "":
		return true
	case "username":
		have = u.username
	case "cognito:user_status":
		return f.compare(strings.ToUpper(u.status), strings.ToUpper(f.value))
	case "status":
		have = "Disabled"
		if u.enabled {
			have = "Enabled"
		}
	default:
		var ok bool
		if have, ok = u.attrs[f.attr]; !ok {
			return false
		}
	}
	return f.compare(have, f.value)
}

func (f filter) compare(have, want string) bool {
	if f.prefix {
		return strings.HasPrefix(have, want)
	}
	return have == want
}
