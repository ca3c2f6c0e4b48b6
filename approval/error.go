package approval

import (
	"errors"
	"fmt"
)

// Error codes of domain errors. Each has a message safe to show in Slack; details go to the log.
const (
	ECONFLICT          = "conflict"            // someone else changed the request first
	EINVALID           = "invalid"             // bad input
	ENOTFOUND          = "not_found"           // no such request or user
	EFORBIDDEN         = "forbidden"           // policy or role says no
	ELIMITED           = "rate_limited"        // a policy rate limit was reached
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
