package policy

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/resetbot/resetbot/internal/textform"
)

// PrincipalKind is how a requester or approver entry names people.
type PrincipalKind int

// The kinds of entries of requesters and approvers.
const (
	Anyone PrincipalKind = iota // "*": anyone allowed to use the bot
	User                        // a Slack user id, U… or W…
	Group                       // a Slack user-group id, S…, or a user-group @handle
)

// Principal is one entry of requesters or approvers, ready to match.
type Principal struct {
	Kind PrincipalKind
	ID   string // user or group id as written; handles lower-cased with their @; "" for Anyone
}

// Handle reports whether p names a user group by its @handle, which can be renamed.
func (p Principal) Handle() bool { return p.Kind == Group && strings.HasPrefix(p.ID, "@") }

// The forms of a principal (textform: no regular expression to compile at start).
var (
	userIDFirst, groupIDFirst = textform.Chars("UW"), textform.Chars("S")
	slackIDRest               = textform.Chars("A-Z0-9")
	handleFirst, handleRest   = textform.Chars("a-z0-9"), textform.Chars("a-z0-9._-")
)

// isUserID reports whether s is a Slack user id: ^[UW][A-Z0-9]{2,}$.
func isUserID(s string) bool { return textform.Run(s, userIDFirst, slackIDRest, 2, -1) }

// isGroupID reports whether s is a Slack user-group id: ^S[A-Z0-9]{2,}$.
func isGroupID(s string) bool { return textform.Run(s, groupIDFirst, slackIDRest, 2, -1) }

// isHandle reports whether s is a user-group @handle in lower case: ^@[a-z0-9][a-z0-9._-]{0,79}$.
func isHandle(s string) bool {
	h, ok := strings.CutPrefix(s, "@")
	return ok && textform.Run(h, handleFirst, handleRest, 0, 79)
}

// PrincipalExpected says what an entry of requesters or approvers may be.
const PrincipalExpected = `a Slack user id (U0123ABCD), a user-group id (S0123ABCD) or a user-group @handle`

// ParsePrincipal reads an entry of requesters (anyoneOK: "*" is allowed) or approvers. The
// error says in plain words what is wrong when s names no one.
func ParsePrincipal(s string, anyoneOK bool) (Principal, error) {
	switch {
	case s == "*" && anyoneOK:
		return Principal{Kind: Anyone}, nil
	case s == "*":
		return Principal{}, errors.New(`"*" (anyone) is for requesters; approvers are named: ` + PrincipalExpected)
	case isUserID(s):
		return Principal{Kind: User, ID: s}, nil
	case isGroupID(s):
		return Principal{Kind: Group, ID: s}, nil
	case isHandle(strings.ToLower(s)):
		return Principal{Kind: Group, ID: strings.ToLower(s)}, nil
	}
	expected := PrincipalExpected
	if anyoneOK {
		expected += `, or "*" for anyone`
	}
	return Principal{}, errors.New("expected " + expected + ", got " + strconv.Quote(clip(s)))
}

// clip shortens what is quoted back in a message.
func clip(s string) string {
	const most = 40
	if r := []rune(s); len(r) > most {
		return string(r[:most]) + "…"
	}
	return s
}

// matches reports whether the person with this user id and these user groups (ids and
// @handles) is named by p.
func (p Principal) matches(user string, groups []string) bool {
	switch p.Kind {
	case Anyone:
		return true
	case User:
		return user == p.ID
	case Group:
	}
	return slices.ContainsFunc(groups, func(g string) bool {
		if strings.HasPrefix(p.ID, "@") {
			return strings.EqualFold(g, p.ID)
		}
		return g == p.ID
	})
}

func anyMatches(ps []Principal, user string, groups []string) bool {
	return slices.ContainsFunc(ps, func(p Principal) bool { return p.matches(user, groups) })
}
