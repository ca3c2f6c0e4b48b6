package policy

import "slices"

// Action is something a requester can ask the bot to do to a Cognito user.
type Action string

// The actions the policy knows. Every one is reachable from the slash command and the modal;
// the policy decides whether it is allowed. Each has one row in specs.
const (
	ActionStatus            Action = "status"
	ActionHistory           Action = "history"
	ActionReset             Action = "reset"
	ActionTempPassword      Action = "temp-password"
	ActionPermanentPassword Action = "permanent-password"
	ActionVerifyEmail       Action = "verify-email"
	ActionVerifyPhone       Action = "verify-phone"
	ActionSignOut           Action = "signout"
)

// ActionSpec is everything the bot's packages need to know about one action: the policy
// (read-only or not), the workflow (bound to the user's addresses, yields a secret, what a
// run did), the Slack adapter (title, phrase), the Cognito adapter and the IAM policy (the
// cognito-idp operations it calls).
type ActionSpec struct {
	Action Action
	// ReadOnly actions only read: they are answered at once and never need approval.
	ReadOnly bool
	// ContactBound actions depend on the user's addresses (where a reset code goes, which
	// address is marked verified): they do not run when the addresses changed since approval.
	ContactBound bool
	// Secret actions yield a generated password, shown to the requester only.
	Secret bool
	// Operations are the cognito-idp API operations the action may call, its lookup of the
	// user included (e.g. "AdminResetUserPassword").
	Operations []string
	// Title names the action in headers ("Password reset").
	Title string
	// Phrase says what the action does after "asks to" ("reset the password of").
	Phrase string
	// Success says what a run did and the end user's next step, for actions that change a
	// user; see SuccessPlaceholders for what it may name.
	Success string
}

// SuccessPlaceholders are what an ActionSpec.Success text may name; the workflow fills them
// in: the user as shown, where a reset code went, how long a temporary password is valid,
// the user's masked email and phone.
var SuccessPlaceholders = []string{"{user}", "{code_to}", "{validity}", "{email}", "{phone}"}

// lookupOperations are the operations that find a user by username, email or sub, and read
// their groups: every action calls them.
var lookupOperations = []string{"AdminGetUser", "AdminListGroupsForUser", "ListUsers"}

// specs has one row per action, in the order actions are shown to people. To add an action,
// add its constant and its row here, then its Cognito call (cognito.Directory.Run).
var specs = []ActionSpec{
	{
		Action: ActionStatus, ReadOnly: true,
		Title: "User status", Phrase: "look up",
	},
	{
		Action: ActionHistory, ReadOnly: true,
		Title: "Request history", Phrase: "see the request history of",
	},
	{
		Action: ActionReset, ContactBound: true,
		Operations: []string{"AdminResetUserPassword", "DescribeUserPool"},
		Title:      "Password reset", Phrase: "reset the password of",
		Success: "Password reset for {user}: their password no longer works. Cognito sent a code to {code_to}. " +
			"Next step for the user: at sign-in they are told to reset their password; they complete forgot-password " +
			"by entering that code and choosing a new password.",
	},
	{
		Action: ActionTempPassword, Secret: true,
		Operations: []string{"AdminSetUserPassword", "DescribeUserPool"},
		Title:      "Temporary password", Phrase: "set a temporary password for",
		Success: "Temporary password set for {user} and shown to the requester privately. " +
			"Next step for the user: sign in with it {validity}; at first sign-in they must choose a new password.",
	},
	{
		Action: ActionPermanentPassword, Secret: true,
		Operations: []string{"AdminSetUserPassword", "DescribeUserPool"},
		Title:      "Permanent password", Phrase: "set a permanent password for",
		Success: "Permanent password set for {user} and shown to the requester privately. " +
			"Next step for the user: sign in with it; it does not expire, so they should change it once signed in.",
	},
	{
		Action: ActionVerifyEmail, ContactBound: true,
		Operations: []string{"AdminUpdateUserAttributes"},
		Title:      "Mark email verified", Phrase: "mark the email address verified for",
		Success: "The email address of {user} ({email}) is now marked verified: password reset codes go there. " +
			"Next step: make a reset request if the user still needs one.",
	},
	{
		Action: ActionVerifyPhone, ContactBound: true,
		Operations: []string{"AdminUpdateUserAttributes"},
		Title:      "Mark phone verified", Phrase: "mark the phone number verified for",
		Success: "The phone number of {user} ({phone}) is now marked verified: reset codes can go there by SMS. " +
			"Next step: make a reset request if the user still needs one.",
	},
	{
		Action:     ActionSignOut,
		Operations: []string{"AdminUserGlobalSignOut"},
		Title:      "Sign out everywhere", Phrase: "sign out of every session",
		Success: "Signed {user} out of every session: their refresh tokens are revoked. " +
			"Next step for the user: sign in again.",
	},
}

// Actions lists every action in the order they are shown to people.
var Actions = func() []Action {
	as := make([]Action, len(specs))
	for i, s := range specs {
		as[i] = s.Action
	}
	return as
}()

// ParseAction returns the action named s, or false when there is none.
func ParseAction(s string) (Action, bool) {
	row, ok := spec(Action(s))
	return row.Action, ok
}

// spec returns the row of an action, its Operations complete with the lookup's, or false
// when there is no such action.
func spec(a Action) (ActionSpec, bool) {
	i := slices.IndexFunc(specs, func(s ActionSpec) bool { return s.Action == a })
	if i < 0 {
		return ActionSpec{}, false
	}
	return specs[i], true
}

// Spec returns the row of an action, or false when there is no such action. Its Operations
// include the lookup's, sorted.
func Spec(a Action) (ActionSpec, bool) {
	s, ok := spec(a)
	if !ok {
		return s, false
	}
	s.Operations = slices.Concat(lookupOperations, s.Operations)
	slices.Sort(s.Operations)
	s.Operations = slices.Compact(s.Operations)
	return s, true
}

// Specs returns the row of every action, in the order of Actions.
func Specs() []ActionSpec {
	out := make([]ActionSpec, len(specs))
	for i, s := range specs {
		out[i], _ = Spec(s.Action)
	}
	return out
}

// ReadOnly reports whether the action only reads from Cognito (it is answered at once and
// never needs approval).
func (a Action) ReadOnly() bool {
	s, _ := spec(a)
	return s.ReadOnly
}

// IAMActions are the IAM actions ("cognito-idp:AdminResetUserPassword") the action needs.
func (s ActionSpec) IAMActions() []string {
	out := make([]string, len(s.Operations))
	for i, op := range s.Operations {
		out[i] = "cognito-idp:" + op
	}
	return out
}

// Title names the action in headers; an action with no row is named as typed.
func (a Action) Title() string {
	if s, ok := spec(a); ok {
		return s.Title
	}
	return string(a)
}

// Phrase says what the action does after "asks to"; an action with no row is run as typed.
func (a Action) Phrase() string {
	if s, ok := spec(a); ok {
		return s.Phrase
	}
	return "run " + string(a) + " on"
}
