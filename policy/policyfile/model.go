package policyfile

// The policy file as typed values, which reader fills from the syntax tree. The yaml tag names
// a field; what says in plain words what its value is, for "expected X, got Y", and item what
// each entry of a list or keyed mapping is; text names the check of textChecks each text must
// pass, keys what a chosen key is (a name: isName), unique refuses a text listed twice,
// and range bounds a whole number. What the tags cannot say is checked in check.go.

import (
	"unicode"

	"github.com/resetbot/resetbot/internal/textform"
)

// textChecks are the forms a text may have to take, and what to say when it does not. The
// forms are written with textform, not regular expressions, which would be compiled at every
// start; forms_test.go holds each to the regular expression it stands for.
var textChecks = map[string]struct {
	ok       func(string) bool
	expected string
}{
	"team":       {slackID("T"), "a Slack team id like T0123ABCD"},
	"enterprise": {slackID("E"), "a Slack enterprise id like E0123ABCD"},
	"channel":    {slackID("CGD"), "a Slack channel id like C0123ABCD (not its #name)"},
	"region":     {textform.Region, "an AWS region like eu-west-1"},
	"pool":       {isPoolID, "a user pool id like eu-west-1_AbCdEf123"},
	"rule":       {isRuleName, "a rule name of letters, digits, ., - and _ (up to 64)"},
	"effect":     {func(s string) bool { return s == "allow" || s == "deny" }, "allow or deny"},
	"group":      {isGroupName, "a Cognito group name"},
}

// slackIDRest are the characters of a Slack id after its first.
var slackIDRest = textform.Chars("A-Z0-9")

// slackID is the check of a Slack id whose first character is one of first: ^[first][A-Z0-9]{2,}$.
func slackID(first string) func(string) bool {
	set := textform.Chars(first)
	return func(s string) bool { return textform.Run(s, set, slackIDRest, 2, -1) }
}

// isPoolID reports whether s is a user pool id: ^[a-z]{2}(-[a-z]+)+-[0-9]+_[0-9A-Za-z]+$.
func isPoolID(s string) bool {
	_, ok := textform.PoolID(s)
	return ok
}

var ruleFirst, ruleRest = textform.Chars("A-Za-z0-9"), textform.Chars("A-Za-z0-9._-")

// isRuleName reports whether s is a rule's name: ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$.
func isRuleName(s string) bool { return textform.Run(s, ruleFirst, ruleRest, 0, 63) }

var nameFirst, nameRest = textform.Chars("a-z0-9"), textform.Chars("a-z0-9_-")

// isName reports whether s is a name the policy file chooses (a pool, an identity check):
// ^[a-z0-9][a-z0-9_-]{0,31}$.
func isName(s string) bool { return textform.Run(s, nameFirst, nameRest, 0, 31) }

// groupNameRunes are the characters of a Cognito group name: letters, marks, symbols, digits
// and punctuation.
var groupNameRunes = []*unicode.RangeTable{unicode.L, unicode.M, unicode.S, unicode.N, unicode.P}

// isGroupName reports whether s is a Cognito group name: 1 to 128 of groupNameRunes. (As a
// regular expression with {1,128}, compiling it would hold megabytes for the process's life.)
func isGroupName(s string) bool {
	n := 0
	for _, r := range s {
		if !unicode.IsOneOf(groupNameRunes, r) {
			return false
		}
		n++
	}
	return n >= 1 && n <= 128
}

const nameExpected = "a short name in lower case: letters, digits, - and _"

type fileDoc struct {
	Workspace      *workspaceDoc  `yaml:"workspace" what:"a mapping with teams and/or enterprise"`
	Pools          keyed[poolDoc] `yaml:"pools" what:"a mapping of pool names to {id, region}" item:"a mapping with id and region" keys:"a pool name"`
	Channels       []channelDoc   `yaml:"channels" what:"a list of channels, each {id, default_pool}" item:"a channel: {id, default_pool}"`
	IdentityChecks keyed[string]  `yaml:"identity_checks" what:"a mapping of identity check names to what they mean" item:"a description in plain words, e.g. Called back the number on file" keys:"an identity check name"`
	Limits         *limitsDoc     `yaml:"limits" what:"a mapping with per_requester, per_target and/or per_requester_lookups"`
	Rules          []ruleDoc      `yaml:"rules" what:"a list of rules" item:"a rule: a mapping with name, actions, requesters, approvers, ..."`
}

type workspaceDoc struct {
	Teams      []string `yaml:"teams" item:"Slack team ids like T0123ABCD" text:"team"`
	Enterprise string   `yaml:"enterprise" what:"a Slack enterprise id like E0123ABCD" text:"enterprise"`
}

type poolDoc struct {
	ID     string `yaml:"id" what:"a user pool id like eu-west-1_AbCdEf123" text:"pool"`
	Region string `yaml:"region" what:"an AWS region like eu-west-1" text:"region"`
}

type channelDoc struct {
	ID          string `yaml:"id" what:"a Slack channel id like C0123ABCD" text:"channel"`
	DefaultPool string `yaml:"default_pool" what:"a pool name"`
}

type limitsDoc struct {
	PerRequester        *limitDoc `yaml:"per_requester" what:"a limit: {max: 10, window: 24h}"`
	PerTarget           *limitDoc `yaml:"per_target" what:"a limit: {max: 10, window: 24h}"`
	PerRequesterLookups *limitDoc `yaml:"per_requester_lookups" what:"a limit: {max: 10, window: 24h}"`
}

type limitDoc struct {
	Max    int    `yaml:"max" range:"1,10000"`
	Window string `yaml:"window" what:"a duration such as 30m, 4h or 2d"`
}

type ruleDoc struct {
	Name         string      `yaml:"name" what:"a rule name" text:"rule"`
	Description  string      `yaml:"description" what:"a description in plain words"`
	Effect       string      `yaml:"effect" what:"allow or deny" text:"effect"`
	Message      string      `yaml:"message" what:"a message shown to the requester"`
	Pools        []string    `yaml:"pools" item:"pool names" unique:"yes"`
	Actions      []string    `yaml:"actions" item:"actions" unique:"yes"`
	TargetGroups *targetDoc  `yaml:"target_groups" what:"a mapping with any_of and/or none_of (lists of Cognito groups)"`
	Requesters   []string    `yaml:"requesters" item:"people: user ids, user-group ids or @handles"`
	Approvers    []string    `yaml:"approvers" item:"people: user ids, user-group ids or @handles"`
	Approvals    int         `yaml:"approvals" range:"0,10"`
	SelfApproval bool        `yaml:"self_approval"`
	ExpiresAfter string      `yaml:"expires_after" what:"a duration such as 30m, 4h or 2d"`
	RemindAfter  string      `yaml:"remind_after" what:"a duration such as 30m, 4h or 2d"`
	Require      *requireDoc `yaml:"require" what:"a mapping with ticket, ticket_pattern, reason and verified_by"`
	Limits       *limitsDoc  `yaml:"limits" what:"a mapping with per_requester, per_target and/or per_requester_lookups"`
}

type targetDoc struct {
	AnyOf  []string `yaml:"any_of" item:"Cognito group names" text:"group"`
	NoneOf []string `yaml:"none_of" item:"Cognito group names" text:"group"`
}

type requireDoc struct {
	Ticket        bool     `yaml:"ticket"`
	TicketPattern string   `yaml:"ticket_pattern" what:"a regular expression, e.g. SUP-[0-9]+"`
	Reason        bool     `yaml:"reason"`
	VerifiedBy    []string `yaml:"verified_by" item:"identity check names" unique:"yes"`
}

// keyed is a mapping whose keys are names the file chooses (pools, identity checks), in the
// order of the file.
type keyed[T any] []named[T]

type named[T any] struct {
	Name  string
	Value T
}

func (keyed[T]) namedKeys() {}
