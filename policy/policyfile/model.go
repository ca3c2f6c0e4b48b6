package policyfile

// The policy file as typed values. The yaml tag names a field; what says in plain words what
// its value is, for "expected X, got Y" (a list's item says what each of its entries is), and
// range bounds a whole number. reader fills these from the syntax tree; validate checks them.

type fileDoc struct {
	Workspace      *workspaceDoc  `yaml:"workspace" what:"a mapping with teams and/or enterprise"`
	Pools          keyed[poolDoc] `yaml:"pools" what:"a mapping of pool names to {id, region}" item:"a mapping with id and region"`
	Channels       []channelDoc   `yaml:"channels" what:"a list of channels, each {id, default_pool}" item:"a channel: {id, default_pool}"`
	IdentityChecks keyed[string]  `yaml:"identity_checks" what:"a mapping of identity check names to what they mean" item:"a description in plain words, e.g. Called back the number on file"`
	Limits         *limitsDoc     `yaml:"limits" what:"a mapping with per_requester, per_target and/or per_requester_lookups"`
	Rules          []ruleDoc      `yaml:"rules" what:"a list of rules" item:"a rule: a mapping with name, actions, requesters, approvers, ..."`
}

type workspaceDoc struct {
	Teams      []string `yaml:"teams" item:"Slack team ids like T0123ABCD"`
	Enterprise string   `yaml:"enterprise" what:"a Slack enterprise id like E0123ABCD"`
}

type poolDoc struct {
	ID     string `yaml:"id" what:"a user pool id like eu-west-1_AbCdEf123"`
	Region string `yaml:"region" what:"an AWS region like eu-west-1"`
}

type channelDoc struct {
	ID          string `yaml:"id" what:"a Slack channel id like C0123ABCD"`
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
	Name         string      `yaml:"name" what:"a rule name"`
	Description  string      `yaml:"description" what:"a description in plain words"`
	Effect       string      `yaml:"effect" what:"allow or deny"`
	Message      string      `yaml:"message" what:"a message shown to the requester"`
	Pools        []string    `yaml:"pools" item:"pool names"`
	Actions      []string    `yaml:"actions" item:"actions"`
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
	AnyOf  []string `yaml:"any_of" item:"Cognito group names"`
	NoneOf []string `yaml:"none_of" item:"Cognito group names"`
}

type requireDoc struct {
	Ticket        bool     `yaml:"ticket"`
	TicketPattern string   `yaml:"ticket_pattern" what:"a regular expression, e.g. SUP-[0-9]+"`
	Reason        bool     `yaml:"reason"`
	VerifiedBy    []string `yaml:"verified_by" item:"identity check names"`
}

// keyed is a mapping whose keys are names the file chooses (pools, identity checks), in the
// order of the file.
type keyed[T any] []named[T]

type named[T any] struct {
	Name  string
	Value T
}

func (keyed[T]) namedKeys() {}
