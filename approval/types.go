package approval

import (
	"context"
	"errors"
	"time"

	"github.com/resetbot/resetbot/internal/secret"
	"github.com/resetbot/resetbot/policy"
)

// State is where a request is in its life.
//
//	pending → approved → running → succeeded | failed
//	pending → denied | cancelled | expired
//	running (lease ran out) → interrupted
type State string

// The states of a request.
const (
	StatePending     State = "pending"
	StateApproved    State = "approved"
	StateRunning     State = "running"
	StateSucceeded   State = "succeeded"
	StateFailed      State = "failed"
	StateDenied      State = "denied"
	StateCancelled   State = "cancelled"
	StateExpired     State = "expired"
	StateInterrupted State = "interrupted"
)

// Final reports whether no transition leaves the state.
func (s State) Final() bool {
	switch s {
	case StateSucceeded, StateFailed, StateDenied, StateCancelled, StateExpired, StateInterrupted:
		return true
	case StatePending, StateApproved, StateRunning:
	}
	return false
}

// Submission is what a requester asks for, as the bot parsed it.
type Submission struct {
	Team       string
	Enterprise string
	Channel    string
	Requester  string   // Slack user id
	Groups     []string // the requester's Slack user-group ids and @handles
	Pool       string   // pool name as typed; "" for the default
	Target     string   // username, email or sub as typed
	Action     policy.Action
	SignOut    bool // also sign the user out of every session after the action
	Reason     string
	Ticket     string
	VerifiedBy string
}

// User is a Cognito user as the directory reports it.
type User struct {
	Username      string
	Sub           string
	Status        string // UNCONFIRMED, CONFIRMED, RESET_REQUIRED, FORCE_CHANGE_PASSWORD, ...
	Enabled       bool
	Email         string
	EmailVerified bool
	Phone         string
	PhoneVerified bool
	Groups        []string
	Created       time.Time
	Modified      time.Time
}

// Target is the snapshot of the user a request is bound to, captured at submit time.
// Contacts are stored masked only.
type Target struct {
	Ref           string // what the requester typed
	Username      string
	Sub           string
	Status        string
	Enabled       bool
	EmailMasked   string
	EmailVerified bool
	PhoneMasked   string
	PhoneVerified bool
	Groups        []string
	// ContactDigest stands for the email and phone number at submit time (a digest salted with
	// the sub, not the addresses): a reset or a verification whose addresses changed since is not
	// run, since Cognito would send the code to, or mark verified, an address nobody approved.
	ContactDigest string
}

// Approval is one approver's yes.
type Approval struct {
	By string    `json:"by"`
	At time.Time `json:"at"`
	// Groups are the approver's Slack user groups when the approval was last counted: what it is
	// judged by again when the workflow has no Membership to ask for their groups of now.
	Groups []string `json:"groups,omitempty"`
}

// Thread is where a request's card lives in Slack (set by the notifier).
type Thread struct {
	Channel string
	TS      string
}

// Request is one ask, from submission to result. Every change is a compare-and-swap on Version.
type Request struct {
	ID      string
	Version int64
	State   State

	Team       string
	Enterprise string // Slack enterprise id, when there is one
	Channel    string
	Requester  string
	Groups     []string // the requester's groups at submit time, to decide again before running
	Pool       policy.Pool
	Action     policy.Action
	SignOut    bool
	Reason     string
	Ticket     string
	VerifiedBy string
	Target     Target

	// From the policy decision at submit time.
	Rule            string
	ApprovalsNeeded int
	Approvers       []string
	SelfApproval    bool

	Approvals  []Approval
	DecidedBy  string // who denied or cancelled
	DenyReason string

	CreatedAt  time.Time
	UpdatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	RemindAt   time.Time // zero: no reminder
	Reminded   bool
	LeaseOwner string    // the process running it
	LeaseUntil time.Time // while running

	Outcome      string // the result in plain words
	ErrorCode    string // the domain error code when failed
	AWSRequestID string
	DryRun       bool
	// Withdrawn marks a request the bot cancelled itself because its card could not be
	// posted: nobody saw it, so it does not count toward rate limits.
	Withdrawn bool

	Thread Thread

	// Recent is how many requests this target had in the 30 days before this one was made
	// (for the card).
	Recent int
}

// Event is one append-only audit record. It never holds a password.
type Event struct {
	ID           int64
	RequestID    string // "" for events about no stored request (a denied submission)
	At           time.Time
	Actor        string // Slack user id, or "system"
	Kind         string // submitted, denied_by_policy, approved, denied, cancelled, expired, reminded, running, signed_out, sign_out_failed, succeeded, failed, interrupted, ...
	Rule         string
	Outcome      string
	AWSRequestID string
	Detail       string
}

// EventFilter selects audit events for Store.ScanEvents. A zero field selects every event.
type EventFilter struct {
	Since   time.Time // events at or after Since
	Until   time.Time // events before Until
	Actor   string    // events by this Slack user id (or "system")
	Kinds   []string  // events of one of these kinds
	Outcome string    // events with this outcome
	// NewestFirst scans from the newest event back.
	NewestFirst bool
}

// ErrStopScan, returned by ScanEvents' fn, ends the scan early without an error.
var ErrStopScan = errors.New("stop the scan")

// LimitScope says whose requests a Limit counts.
type LimitScope string

// The scopes of a rate limit.
const (
	LimitRequester LimitScope = "requester" // the requests made by the new request's Requester
	LimitTarget    LimitScope = "target"    // the requests for its Target.Username in its Pool.ID
	// LimitOpen counts the open requests (pending, approved or running) its Requester made for
	// the same Action on the same user (Target.Username in Pool.ID): with Max 1, a second
	// identical request while one is open is refused.
	LimitOpen LimitScope = "open"
)

// Limit is a rate limit: fewer than Max requests in Scope created at or after Since (the zero
// Since counts them all). Read-only actions and withdrawn requests are not counted.
type Limit struct {
	Scope LimitScope
	Max   int
	Since time.Time
}

// EnvelopeClaimTTL is how long a store keeps a claimed envelope id: Slack redelivers an
// envelope within seconds or minutes, never an hour later.
const EnvelopeClaimTTL = time.Hour

// Envelope is the Slack envelope a decision came in, to claim in the write that records the
// decision (Store.UpdateClaiming): Slack delivers an envelope at least once, and the claim
// keeps a second delivery from being handled again. The zero Envelope claims nothing.
type Envelope struct {
	ID         string
	ReceivedAt time.Time
}

// ErrClaimedBefore is the error of a write whose envelope was claimed before (by this process
// or another): the envelope was delivered again, and this delivery is to be dropped.
var ErrClaimedBefore = errors.New("the envelope was handled before")

// Store keeps requests and the audit trail. Every backend passes store/storetest.
type Store interface {
	// Create stores a new request with Version 1 and, in the same transaction, appends events
	// (each with RequestID set to r.ID when empty). The ID must be unique.
	Create(ctx context.Context, r *Request, events ...Event) error
	// CreateLimited is Create under rate limits: in one atomic step with storing r and its
	// events, it counts the requests each limit covers, and when one has Max or more already it
	// stores nothing and returns a *LimitError for the first such limit. Two calls at once
	// never both pass a limit that has room for one more.
	CreateLimited(ctx context.Context, r *Request, limits []Limit, events ...Event) error
	// Get returns the request, or an error with code ENOTFOUND.
	Get(ctx context.Context, id string) (*Request, error)
	// Update writes r if the stored version is still r.Version, sets r.Version to the next one
	// and appends events (each with RequestID set to r.ID when empty) in the same transaction.
	// Otherwise it returns an error with code ECONFLICT and writes nothing at all, no events.
	Update(ctx context.Context, r *Request, events ...Event) error
	// UpdateClaiming is Update that also claims e.ID as ClaimEnvelope does, in the same
	// transaction: when the id was claimed before it writes nothing and returns an error that
	// is ErrClaimedBefore (whatever the request's version); on a conflict it writes nothing,
	// the claim neither. A zero e claims nothing: it is Update.
	UpdateClaiming(ctx context.Context, r *Request, e Envelope, events ...Event) error
	// UpdateDrawn is Update that also records, in the same transaction, the request's card
	// drawn from the version it writes (as MarkDrawn would right after): for a change the card
	// already shows, such as where the card just posted from the version before is. On a
	// conflict it writes nothing, the drawn version neither.
	UpdateDrawn(ctx context.Context, r *Request, events ...Event) error
	// MarkDrawn records that the request's card was drawn from version: the drawn version the
	// store keeps for the request becomes the larger of the stored one and version, never more
	// than the request's Version, so that a late or repeated mark never lowers it. It records
	// no change of the request: its Version, UpdatedAt and every other field stay as they are
	// and no event is written, so it never conflicts with an Update, and an Update after it
	// still needs the request's Version. A request with no thread has no card to draw: Create
	// and Update keep its drawn version at its Version (a request created with a thread starts
	// drawn at 0). An unknown id is an error with code ENOTFOUND.
	MarkDrawn(ctx context.Context, id string, version int64) error
	// CardsBehind lists, oldest first, the requests whose card is behind them: they have a
	// thread, their drawn version (MarkDrawn) is older than their Version, and their UpdatedAt
	// is before settled (nobody has changed them since). It reads only such requests, from an
	// index of them, however many the store holds.
	CardsBehind(ctx context.Context, settled time.Time) ([]*Request, error)
	// Append adds an audit event that records no state change (status, history, refusals).
	Append(ctx context.Context, e Event) error
	// ClaimEnvelope records a Slack envelope id as handled. It reports true for the first
	// claim and false when the id was claimed before (by this process or another). Claims
	// older than EnvelopeClaimTTL are purged by the store.
	ClaimEnvelope(ctx context.Context, envelopeID string, at time.Time) (bool, error)
	// Events lists a request's events, oldest first ("" lists events with no request).
	Events(ctx context.Context, requestID string) ([]Event, error)
	// ScanEvents calls fn with each audit event f selects, in the order of their ids (oldest
	// first, or newest first with f.NewestFirst), one at a time, so that memory does not grow
	// with the number of events. It reads without blocking writers. An error from fn stops the
	// scan and is returned as is (ErrStopScan ends it without an error).
	ScanEvents(ctx context.Context, f EventFilter, fn func(Event) error) error
	// Due lists requests the sweeper must look at by now: pending ones whose ExpiresAt or
	// (not yet Reminded) RemindAt has passed, and running ones whose LeaseUntil has passed.
	Due(ctx context.Context, now time.Time) ([]*Request, error)
	// Pending lists every pending and approved request (for a restart).
	Pending(ctx context.Context) ([]*Request, error)
	// EachPending calls fn with each pending and approved request, oldest first, one at a
	// time, so that memory does not grow with their number. It reads without blocking
	// writers. An error from fn stops the scan and is returned as is (ErrStopScan ends it
	// without an error).
	EachPending(ctx context.Context, fn func(*Request) error) error
	// History lists the newest requests for a target user, newest first.
	History(ctx context.Context, poolID, username string, limit int) ([]*Request, error)
	// CountByRequester counts requests made by a requester since a time (read-only actions
	// and withdrawn requests excluded).
	CountByRequester(ctx context.Context, requester string, since time.Time) (int, error)
	// CountByTarget counts requests for a target user since a time (read-only actions and
	// withdrawn requests excluded).
	CountByTarget(ctx context.Context, poolID, username string, since time.Time) (int, error)
	// Ping checks that the store answers, without writing (a read, its answer reused for up
	// to a second: /readyz calls it). A write the store refused for lack of space makes it
	// fail, saying so, until a write succeeds again.
	Ping(ctx context.Context) error
	Close() error
}

// RunResult is what a directory action returns.
type RunResult struct {
	AWSRequestID string
	// Password is a generated password, only for the actions that yield one
	// (policy.ActionSpec.Secret). It is handed to the notifier's private channel and never
	// stored, logged or posted; it prints as secret.Redacted.
	Password secret.Secret
	// ValidDays is how long a temporary password is valid (the pool's TemporaryPasswordValidityDays).
	ValidDays int
	// Detail says in plain words where Cognito sent the code, etc.
	Detail string
}

// Directory is the Cognito side, as the workflow needs it.
type Directory interface {
	// Lookup finds a user by username, email or sub.
	Lookup(ctx context.Context, pool policy.Pool, ref string) (User, error)
	// LookupUser is Lookup without the user's groups (User.Groups nil), one Cognito call
	// fewer: for a run whose policy decision does not weigh the target's groups.
	LookupUser(ctx context.Context, pool policy.Pool, ref string) (User, error)
	// Run performs a write action on user (never status or history): named by their Username,
	// the user as Lookup found them right before, whose contacts may say where a code went
	// without reading them again. When the call fails after Cognito answered, the RunResult
	// still carries the AWS request id, for the audit.
	Run(ctx context.Context, pool policy.Pool, user User, action policy.Action) (RunResult, error)
	// SignOut signs the user out of every session (AdminUserGlobalSignOut). Its RunResult
	// carries the AWS request id as Run's does, on failure too.
	SignOut(ctx context.Context, pool policy.Pool, username string) (RunResult, error)
}

// Membership says which Slack user groups (ids and @handles) a person is in now; the bot
// implements it. The workflow asks it before running, so that a requester who left the groups
// the policy names since submitting no longer gets the action run.
type Membership interface {
	GroupsOf(ctx context.Context, user string) ([]string, error)
}

// Policy decides; policyfile.Holder implements it.
type Policy interface {
	Decide(f policy.Facts) policy.Decision
	CanApprove(d policy.Decision, a policy.Approver, requester string, approvals []string) (bool, string)
	// CanDeny answers whether a may deny the request decided by d; its reason says "deny".
	CanDeny(d policy.Decision, a policy.Approver, requester string) (bool, string)
	// Permitted lists, by pool name, the actions the requester in f could be allowed for some
	// target user: someone who could be allowed none is refused before the target is looked up.
	Permitted(f policy.Facts) map[string][]policy.Action
}

// NoticeKind names a step the notifier is told about.
type NoticeKind string

// The steps.
const (
	NoticeApproved    NoticeKind = "approved"
	NoticeDenied      NoticeKind = "denied"
	NoticeCancelled   NoticeKind = "cancelled"
	NoticeExpired     NoticeKind = "expired"
	NoticeReminder    NoticeKind = "reminder"
	NoticeRunning     NoticeKind = "running"
	NoticeSucceeded   NoticeKind = "succeeded"
	NoticeFailed      NoticeKind = "failed"
	NoticeInterrupted NoticeKind = "interrupted"
)

// Notice is one step to show in the request's thread; the card is updated to r's state.
type Notice struct {
	Kind  NoticeKind
	Actor string // who did it (Slack user id), "" for the system
	Text  string // plain words, including the next step for the end user
	// FollowUp is an action the notifier may offer as a new request (e.g. verify-email after a
	// reset refused for lack of a verified contact).
	FollowUp policy.Action
	// CardDrawn says the notice before it drew the card from the same version of the request
	// (the approval that claimed the run, then "Running"): the step is posted and the card,
	// which already shows it, is not drawn again.
	CardDrawn bool
}

// Secret is a generated password for the requester's eyes only. The password prints as
// secret.Redacted; only the message that shows it to the requester reveals it.
type Secret struct {
	Password  secret.Secret
	ValidDays int    // 0 for a permanent password
	Advice    string // what to tell the end user
}

// Notifier is the Slack side, as the workflow needs it.
type Notifier interface {
	// PostCard posts a new request's card and returns its thread. When the bot cannot post in
	// the request's channel (it was not invited) the error has code ENOCHANNEL: the request is
	// withdrawn, and that is the requester's to fix, not the operator's.
	PostCard(ctx context.Context, r *Request) (Thread, error)
	// Notify posts a step in the request's thread and updates its card (unless n.CardDrawn).
	Notify(ctx context.Context, r *Request, n Notice) error
	// UpdateCard draws the request's card again as r is now, and posts nothing.
	UpdateCard(ctx context.Context, r *Request) error
	// FindCard looks in Slack for the card of a request whose thread was never saved (its
	// process stopped between posting the card and saving where it is), among the messages
	// posted in the request's channel from from to to. It returns the card's thread, or the
	// zero Thread when the channel has no card of r. An error with code ENOCHANNEL (the bot
	// cannot read the channel) or ENOSCOPE (the Slack app lacks the scope to read it) does not
	// go away by asking again; any other error may.
	FindCard(ctx context.Context, r *Request, from, to time.Time) (Thread, error)
	// DeliverSecret shows a secret to the requester alone: ephemeral when they are active in
	// Slack, a direct message otherwise. It keeps trying until it has, until every way is
	// refused for good, or until ctx ends (when the run's claim does).
	DeliverSecret(ctx context.Context, r *Request, s Secret) error
}
