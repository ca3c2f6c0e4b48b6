package policy

import (
	"regexp"
	"slices"
	"strings"
)

// principalKind is how a requester or approver entry of the file names people.
type principalKind int

const (
	principalAnyone principalKind = iota // "*": anyone allowed to use the bot
	principalUser                        // a Slack user id, U… or W…
	principalGroup                       // a Slack user-group id, S…, or a user-group @handle
)

// principal is one entry of requesters or approvers, ready to match.
type principal struct {
	kind principalKind
	id   string // user or group id as written; handles lower-cased with their @
}

var (
	userIDPattern  = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	groupIDPattern = regexp.MustCompile(`^S[A-Z0-9]{2,}$`)
	handlePattern  = regexp.MustCompile(`^@[a-z0-9][a-z0-9._-]{0,79}$`)
)

const principalExpected = `a Slack user id (U0123ABCD), a user-group id (S0123ABCD) or a user-group @handle`

// parsePrincipal reads an entry; the message says what is wrong when it is not one.
func parsePrincipal(s string, anyoneOK bool) (principal, string) {
	switch {
	case s == "*" && anyoneOK:
		return principal{kind: principalAnyone}, ""
	case s == "*":
		return principal{}, `"*" (anyone) is for requesters; approvers are named: ` + principalExpected
	case userIDPattern.MatchString(s):
		return principal{kind: principalUser, id: s}, ""
	case groupIDPattern.MatchString(s):
		return principal{kind: principalGroup, id: s}, ""
	case handlePattern.MatchString(strings.ToLower(s)):
		return principal{kind: principalGroup, id: strings.ToLower(s)}, ""
	}
	expected := principalExpected
	if anyoneOK {
		expected += `, or "*" for anyone`
	}
	return principal{}, "expected " + expected + ", got " + quote(s)
}

// matches reports whether the person with this user id and these user groups (ids and
// @handles) is named by p.
func (p principal) matches(user string, groups []string) bool {
	switch p.kind {
	case principalAnyone:
		return true
	case principalUser:
		return user == p.id
	case principalGroup:
	}
	return slices.ContainsFunc(groups, func(g string) bool {
		if strings.HasPrefix(p.id, "@") {
			return strings.EqualFold(g, p.id)
		}
		return g == p.id
	})
}

func anyMatches(ps []principal, user string, groups []string) bool {
	return slices.ContainsFunc(ps, func(p principal) bool { return p.matches(user, groups) })
}
