package cognito

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// Error is a failed Cognito action: Code (one of approval's error codes) for programs,
// Message in plain words for Slack, the rest for the log.
type Error struct {
	Code      string // approval.ENOTFOUND, approval.ENOVERIFIEDCONTACT, ...
	Message   string // fit to show in Slack: no AWS jargon, no secrets
	Op        string // the API action that failed, e.g. AdminResetUserPassword
	AWSCode   string // e.g. UserNotFoundException
	RequestID string // Cognito's request id, for AWS support
	// Unsure says, when the call may have been applied although it failed (it timed out, got an
	// internal error or lost its connection after it was sent), what happened, in plain words.
	Unsure string
	Err    error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("cognito")
	if e.Op != "" {
		b.WriteString(" " + e.Op)
	}
	fmt.Fprintf(&b, ": %s: %s", e.Code, e.Message)
	if e.AWSCode != "" || e.RequestID != "" {
		fmt.Fprintf(&b, " (%s, request id %s)", e.AWSCode, e.RequestID)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// invalid is an error the package finds before asking Cognito.
func invalid(format string, args ...any) *Error {
	return &Error{Code: approval.EINVALID, Message: fmt.Sprintf(format, args...)}
}

// failure is what a classified error is about, for its message.
type failure struct {
	pool policy.Pool
	op   string
}

// rule classifies one kind of Cognito error: by the SDK's type for it, or by its code where
// the SDK has no type (AccessDeniedException and the other errors of AWS's front door, and
// errors an operation's model does not list, which the SDK leaves generic).
type rule struct {
	aws      string           // the AWS error code
	typed    func(error) bool // the SDK's decoding of it, when there is one
	contains string           // a text the error message must contain, when set
	code     string           // the domain error code
	message  func(failure) string
}

func isA[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

// plain is a message that names nothing.
func plain(msg string) func(failure) string { return func(failure) string { return msg } }

// naming is a message that names the pool at its %s.
func naming(format string) func(failure) string {
	return func(f failure) string { return fmt.Sprintf(format, poolName(f.pool)) }
}

// rules are tried in order; the first that matches classifies the error.
var rules = []rule{
	{aws: "UserNotFoundException", typed: isA[*types.UserNotFoundException], code: approval.ENOTFOUND,
		message: naming("There is no such user in pool %s.")},
	{aws: "InvalidParameterException", typed: isA[*types.InvalidParameterException], contains: "no registered/verified email or phone_number",
		code:    approval.ENOVERIFIEDCONTACT,
		message: plain("The user has no verified email or phone number, so Cognito cannot send them a reset code.")},
	{aws: "InvalidParameterException", typed: isA[*types.InvalidParameterException], code: approval.EINVALID,
		message: plain("Cognito refused the request as invalid; the details are in the bot's log.")},
	{aws: "InvalidPasswordException", typed: isA[*types.InvalidPasswordException], code: approval.EPASSWORD,
		message: naming("Cognito rejected the new password: it does not meet the password policy of pool %s.")},
	{aws: "NotAuthorizedException", typed: isA[*types.NotAuthorizedException], contains: "User is disabled", code: approval.EINVALID,
		message: plain("The user is disabled in Cognito; an administrator must enable them first.")},
	{aws: "NotAuthorizedException", typed: isA[*types.NotAuthorizedException], contains: "cannot be reset in the current state", code: approval.EINVALID,
		message: plain("Cognito cannot reset this user's password in their current state: a user who never chose a password needs a new temporary password instead, and one who signs in through an external identity provider has no password in Cognito.")},
	{aws: "NotAuthorizedException", typed: isA[*types.NotAuthorizedException], code: approval.EINVALID,
		message: plain("Cognito refused to do that for this user; the details are in the bot's log.")},
	{aws: "AccessDeniedException", code: approval.EIAM, message: func(f failure) string {
		return fmt.Sprintf("The bot's AWS role is not allowed to call cognito-idp:%s on pool %s; grant it that action.", f.op, poolName(f.pool))
	}},
	{aws: "ResourceNotFoundException", typed: isA[*types.ResourceNotFoundException], code: approval.EPOOLNOTFOUND, message: func(f failure) string {
		return fmt.Sprintf("There is no user pool %s in region %s; check the pool's id and region in the policy file.", f.pool.ID, region(f.pool))
	}},
	{aws: "TooManyRequestsException", typed: isA[*types.TooManyRequestsException], code: approval.ETHROTTLED,
		message: plain("Cognito is throttling the bot's requests; try again in a minute.")},
	{aws: "LimitExceededException", typed: isA[*types.LimitExceededException], code: approval.ETHROTTLED,
		message: plain("Cognito is throttling the bot's requests; try again in a minute.")},
	{aws: "CodeDeliveryFailureException", typed: isA[*types.CodeDeliveryFailureException], code: approval.EDELIVERY,
		message: plain("Cognito could not deliver the code to the user's email or phone.")},
	{aws: "InvalidEmailRoleAccessPolicyException", typed: isA[*types.InvalidEmailRoleAccessPolicyException], code: approval.EDELIVERY,
		message: naming("Cognito is not allowed to send email for pool %s, so no code was delivered; check the pool's email settings.")},
	{aws: "InvalidSmsRoleAccessPolicyException", typed: isA[*types.InvalidSmsRoleAccessPolicyException], code: approval.EDELIVERY,
		message: naming("Cognito is not allowed to send text messages for pool %s, so no code was delivered; check the pool's SMS settings.")},
	{aws: "InvalidSmsRoleTrustRelationshipException", typed: isA[*types.InvalidSmsRoleTrustRelationshipException], code: approval.EDELIVERY,
		message: naming("Cognito is not allowed to send text messages for pool %s, so no code was delivered; check the pool's SMS settings.")},
	{aws: "InternalErrorException", typed: isA[*types.InternalErrorException], code: approval.EINTERNAL,
		message: plain("Cognito had an internal error; try again.")},
	{aws: "UserLambdaValidationException", typed: isA[*types.UserLambdaValidationException], code: approval.EINTERNAL,
		message: naming("A Lambda trigger of pool %s refused the action; the details are in the bot's log.")},
	{aws: "UnexpectedLambdaException", typed: isA[*types.UnexpectedLambdaException], code: approval.EINTERNAL,
		message: naming("A Lambda trigger of pool %s failed; the details are in the bot's log.")},
	{aws: "InvalidLambdaResponseException", typed: isA[*types.InvalidLambdaResponseException], code: approval.EINTERNAL,
		message: naming("A Lambda trigger of pool %s failed; the details are in the bot's log.")},
}

// credentialErrors are AWS's answers to credentials it does not accept.
var credentialErrors = []string{
	"UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException", "ExpiredTokenException",
	"InvalidClientTokenId", "SignatureDoesNotMatch", "MissingAuthenticationTokenException", "MissingAuthenticationToken",
}

// classify turns an error of the SDK into an *Error.
func (c *Client) classify(err error, pool policy.Pool) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	e = &Error{Code: approval.EINTERNAL, RequestID: requestIDOf(err), Err: err}
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		e.Op = oe.OperationName
	}
	f := failure{pool: pool, op: e.Op}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		switch {
		case errors.Is(err, errUndeclared):
			e.Message = "The bot tried a Cognito action it does not declare; the details are in the bot's log."
		case errors.Is(err, context.DeadlineExceeded):
			e.Message = fmt.Sprintf("Cognito did not answer within %s; try again.", c.timeout)
			e.Unsure = fmt.Sprintf("did not answer within %s", c.timeout)
		case errors.Is(err, context.Canceled):
			e.Message = "The call to Cognito was cancelled."
			e.Unsure = "was still working on the call when it was cancelled"
		default:
			e.Message = "The bot got no usable answer from Cognito; the details are in the bot's log."
			if !unsent(err) {
				e.Unsure = "lost the connection before it answered"
			}
		}
		return e
	}
	e.AWSCode = ae.ErrorCode()
	if status := httpStatusOf(err); status >= 500 {
		e.Unsure = fmt.Sprintf("answered with a server error (%s, HTTP %d)", e.AWSCode, status)
	}
	for _, r := range rules {
		matched := e.AWSCode == r.aws || (r.typed != nil && r.typed(err))
		if matched && strings.Contains(ae.ErrorMessage(), r.contains) {
			e.Code, e.Message = r.code, r.message(f)
			return e
		}
	}
	if slices.Contains(credentialErrors, e.AWSCode) {
		e.Code = approval.EIAM
		e.Message = fmt.Sprintf("AWS refused the bot's credentials (%s); check the role or keys it runs with.", e.AWSCode)
		return e
	}
	e.Message = fmt.Sprintf("Cognito answered with an error the bot does not know (%s); the details are in the bot's log.", e.AWSCode)
	return e
}

// httpStatusOf is the HTTP status of a call Cognito answered with an error, or 0.
func httpStatusOf(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// requestIDOf is the request id of a call Cognito answered with an error.
func requestIDOf(err error) string {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.ServiceRequestID()
	}
	return ""
}
