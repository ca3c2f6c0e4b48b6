package policy

import "time"

// Pool is a Cognito user pool the policy knows by name.
type Pool struct {
	Name   string // the name people type (--pool prod)
	ID     string // the user pool id, e.g. eu-west-1_AbCdEf123
	Region string // the AWS region, e.g. eu-west-1
}

// Facts are everything a decision is made on. The caller resolves the requester's Slack
// user groups before asking, so that deciding stays pure.
type Facts struct {
	Team       string   // Slack team id of the workspace the request came from
	Enterprise string   // Slack enterprise id, when there is one
	Channel    string   // Slack channel id the request was made in
	Requester  string   // Slack user id
	Groups     []string // ids and @handles of the Slack user groups the requester is in
	Pool       string   // pool name as typed; "" means the channel's default or the only pool
	Action     Action
	// TargetGroups are the Cognito groups of the target user (unknown before lookup: nil).
	// Decide reads nil as "in no group" and sets Decision.DependsOnTarget when a rule's
	// target_groups condition was weighed, so a decision made before the lookup is made again
	// with the groups once they are known.
	TargetGroups []string
	// What the request carries.
	Ticket     string
	Reason     string
	VerifiedBy string
}

// Approver is a person clicking Approve, with the Slack user groups they are in.
type Approver struct {
	User   string   // Slack user id
	Groups []string // ids and @handles of their Slack user groups
}

// Limits are the rate limits in force for a decision. Zero Max means no limit.
type Limits struct {
	PerRequesterMax    int
	PerRequesterWindow time.Duration
	PerTargetMax       int
	PerTargetWindow    time.Duration
	// PerRequesterLookups limits the read-only lookups (status, history) one person makes, each
	// a call to Cognito; without one in the file, DefaultLookupsMax per DefaultLookupsWindow.
	PerRequesterLookupsMax    int
	PerRequesterLookupsWindow time.Duration
}

// The limit on read-only lookups per requester when the file sets none.
const (
	DefaultLookupsMax    = 60
	DefaultLookupsWindow = time.Hour
)

// Requirements say what a request must carry.
type Requirements struct {
	Ticket        bool
	TicketPattern string // a regular expression the ticket must match, when set
	Reason        bool
	VerifiedBy    []string // the identity checks the policy accepts; non-empty means one is required
}

// Decision is the policy's answer to Facts.
type Decision struct {
	Allowed bool
	Rule    string // the name of the rule that matched ("" when none did)
	Reason  string // why not, in plain words (deny message, or what is missing); empty when allowed
	Pool    Pool   // the pool the request is for, resolved (default pool, only pool)
	Action  Action

	Approvals    int      // approvals needed; 0 runs without approval
	Approvers    []string // who may approve: Slack user ids, user-group ids or @handles, as written
	SelfApproval bool     // whether the requester may approve their own request
	ExpiresAfter time.Duration
	RemindAfter  time.Duration

	Requires Requirements
	// Missing names what the request must still carry: "ticket", "reason", "verified_by".
	// A decision with anything missing is not allowed.
	Missing []string
	Limits  Limits

	// DependsOnTarget reports that a rule's target_groups condition was weighed to reach this
	// decision: one made before the target user was looked up must be made again with its groups.
	DependsOnTarget bool
}

// Rule is one rule of a policy file, as read (Policy.Rules lists them for review tools).
type Rule struct {
	Name        string
	Description string
	Line        int // where the rule starts in the file
	Deny        bool
	Message     string // shown to the requester when a deny rule matches

	// What the rule matches; nil Pools or Actions match every pool or action.
	Pools        []string
	Actions      []Action
	TargetAnyOf  []string // the target must be in one of these Cognito groups
	TargetNoneOf []string // the target must be in none of these Cognito groups
	// Requesters the rule applies to, as written: Slack user ids, user-group ids, @handles or
	// "*" for anyone. Nil (deny rules only) applies to everyone.
	Requesters []string

	// What an allow rule says.
	Approvers    []string
	Approvals    int
	SelfApproval bool
	ExpiresAfter time.Duration
	RemindAfter  time.Duration
	Requires     Requirements
	Limits       Limits // the file's limits unless the rule sets its own
}

// IdentityCheck is a way of verifying the end user's identity that the policy names, e.g.
// a callback to the number on file. Requests name it in Facts.VerifiedBy.
type IdentityCheck struct {
	Name        string // what requests carry (--verified-by callback)
	Description string // what it means, in plain words, for the modal and help
}
