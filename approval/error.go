package approval

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Error codes of domain errors. Each has a message safe to show in Slack; details go to the log.
const (
	ECONFLICT          = "conflict"            // someone else changed the request first
	EINVALID           = "invalid"             // bad input
	ENOTFOUND          = "not_found"           // no such request or user
	EFORBIDDEN         = "forbidden"           // policy or role says no
	ELIMITED           = "rate_limited"        // a policy rate limit was reached
	EOPEN              = "already_open"        // the same request is still open
	EUNKNOWN           = "outcome_unknown"     // a change whose answer was lost: it may or may not have happened
	ENOCHANNEL         = "not_in_channel"      // the bot cannot post in the request's channel
	ENOSCOPE           = "missing_scope"       // the Slack app lacks a scope a call needs
	ENOVERIFIEDCONTACT = "no_verified_contact" // Cognito cannot send a reset code
	EPASSWORD          = "password_rejected"   // the password did not satisfy the pool's policy
	EIAM               = "not_permitted"       // IAM does not let the bot call Cognito
	ETHROTTLED         = "throttled"           // Cognito throttled the call
	EPOOLNOTFOUND      = "pool_not_found"      // no such user pool
	EDELIVERY          = "delivery_failed"     // Cognito could not deliver the code
	EINTERNAL          = "internal"            // anything else
)

// Error is a domain error: Code for programs, Message for people, Err for the log.
type Error struct {
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a domain error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the domain error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	}
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the domain error in err's chain, or a generic one:
// never the text of an unknown error, which may hold details not fit for Slack.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	}
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side; the details are in the bot's log."
}

// LimitError is Store.CreateLimited's refusal: Limit was reached, with Count requests in it
// already.
type LimitError struct {
	Limit Limit
	Count int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("rate limit per %s reached: %d requests since %s, at most %d",
		e.Limit.Scope, e.Count, e.Limit.Since.Format(time.RFC3339), e.Limit.Max)
}

// OpenRequestError refuses a request identical to one still open: the same requester, action,
// pool and user. Open is that request, when it could be read (the bot links to its card). Its
// chain holds an *Error with code EOPEN.
type OpenRequestError struct {
	Open *Request
}

func (e *OpenRequestError) Error() string { return EOPEN + ": " + e.message() }

// Unwrap returns the EOPEN domain error.
func (e *OpenRequestError) Unwrap() error { return &Error{Code: EOPEN, Message: e.message()} }

func (e *OpenRequestError) message() string {
	if e.Open == nil {
		return "You already asked for this, and that request is still open. Nothing new was created."
	}
	return fmt.Sprintf("You already asked for %s for %s in pool %s, and that request (%s) is still %s. Nothing new was created.",
		e.Open.Action, e.Open.Target.Display(), e.Open.Pool.Name, e.Open.ID, e.Open.State)
}

// ValidationError lists a submission's field problems, in plain words, by field: "pool",
// "target", "action", "ticket", "reason", "verified_by". The bot shows them beside the modal's
// fields, or joined in one reply to a slash command. Its chain holds an *Error with code
// EINVALID, so ErrorCode and ErrorMessage work on it too.
type ValidationError struct {
	Fields map[string]string
}

// validationFieldOrder is the order the fields are told in.
var validationFieldOrder = []string{"action", "pool", "target", "ticket", "reason", "verified_by"}

func (e *ValidationError) Error() string { return EINVALID + ": " + e.message() }

// Unwrap returns the EINVALID domain error with every problem in one message.
func (e *ValidationError) Unwrap() error { return &Error{Code: EINVALID, Message: e.message()} }

func (e *ValidationError) message() string {
	var parts []string
	seen := map[string]bool{}
	for _, f := range validationFieldOrder {
		if m, ok := e.Fields[f]; ok {
			parts = append(parts, m)
			seen[f] = true
		}
	}
	var rest []string
	for f := range e.Fields {
		if !seen[f] {
			rest = append(rest, f)
		}
	}
	sort.Strings(rest)
	for _, f := range rest {
		parts = append(parts, e.Fields[f])
	}
	return strings.Join(parts, " ")
}
