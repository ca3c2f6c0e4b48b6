package cognito

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/secret"
	"github.com/resetbot/resetbot/policy"
)

// Result is what an action did.
type Result struct {
	RequestID string // Cognito's request id of the call that made the change
	Detail    string // what happened, in plain words (where the code went, ...)
}

// PasswordResult is what setting a generated password did.
type PasswordResult struct {
	Result
	Password secret.Secret
	// ValidDays is how long a temporary password works (the pool's
	// TemporaryPasswordValidityDays); 0 for a permanent one.
	ValidDays int
}

// Contact is an address Cognito can send codes to.
type Contact string

// The contacts.
const (
	ContactEmail Contact = "email"
	ContactPhone Contact = "phone_number"
)

func requestID(md middleware.Metadata) string {
	id, _ := awsmiddleware.GetRequestIDMetadata(md)
	return id
}

func checkUsername(username string) error {
	if username == "" {
		return invalid("Say which user: the username is empty.")
	}
	return nil
}

// ResetPassword resets the user's password (AdminResetUserPassword): the user is
// RESET_REQUIRED and Cognito sends a code to their verified email or phone, with which they
// choose a new password. Without a verified contact it fails with ENOVERIFIEDCONTACT. It is
// not retried after a failure Cognito may have acted on (see retryUnappliedOnly).
func (c *Client) ResetPassword(ctx context.Context, pool policy.Pool, username string) (Result, error) {
	return c.resetPassword(ctx, pool, username, nil)
}

// resetPassword is ResetPassword; known, when not nil, is the user as looked up right before
// (a run looks them up again first), which says where the code went without reading them
// once more.
func (c *Client) resetPassword(ctx context.Context, pool policy.Pool, username string, known *approval.User) (Result, error) {
	if err := checkUsername(username); err != nil {
		return Result{}, err
	}
	out, err := call(ctx, c, pool, func(ctx context.Context, o func(*cip.Options)) (*cip.AdminResetUserPasswordOutput, error) {
		return c.api.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(pool.ID), Username: aws.String(username)}, o, retryUnappliedOnly)
	})
	if err != nil {
		return Result{}, err
	}
	res := Result{RequestID: requestID(out.ResultMetadata), Detail: c.codeDestination(ctx, pool, username, known)}
	c.log.InfoContext(ctx, "cognito password reset", "pool", pool.ID, "username", username, "aws_request_id", res.RequestID)
	return res, nil
}

// codeDestination says where Cognito sent the reset code: to the first verified contact in
// the pool's recovery order. It reads the pool and, unless known gives them as looked up right
// before the reset, the user again; when that fails the answer is vaguer, as the reset itself
// succeeded.
func (c *Client) codeDestination(ctx context.Context, pool policy.Pool, username string, known *approval.User) string {
	const vague = "Cognito sent the user a reset code at their verified email or phone. At their next sign-in they enter it and choose a new password."
	// The user and the pool are read at the same time (the pool mostly from the cache).
	type described struct {
		info poolInfo
		err  error
	}
	pooled := make(chan described, 1)
	go func() {
		info, _, err := c.poolInfo(ctx, pool)
		pooled <- described{info, err}
	}()
	var (
		u   approval.User
		err error
	)
	if known != nil {
		u = *known
	} else {
		u, err = c.getUser(ctx, pool, username)
	}
	p := <-pooled
	if err != nil || p.err != nil {
		return vague
	}
	info := p.info
	order := info.recovery
	if len(order) == 0 {
		order = []string{"verified_phone_number", "verified_email"} // Cognito's legacy order
	}
	for _, m := range order {
		switch {
		case m == "verified_email" && u.Email != "" && u.EmailVerified:
			return "Cognito sent the user a reset code by email, to their verified address. At their next sign-in they enter it and choose a new password."
		case m == "verified_phone_number" && u.Phone != "" && u.PhoneVerified:
			return "Cognito sent the user a reset code by text message, to their verified phone number. At their next sign-in they enter it and choose a new password."
		}
	}
	return vague
}

// SetTemporaryPassword sets a generated temporary password (AdminSetUserPassword,
// Permanent=false): the user signs in with it and must choose a new one; it expires after the
// pool's TemporaryPasswordValidityDays.
func (c *Client) SetTemporaryPassword(ctx context.Context, pool policy.Pool, username string) (PasswordResult, error) {
	return c.setPassword(ctx, pool, username, false)
}

// SetPermanentPassword sets a generated password the user keeps (AdminSetUserPassword,
// Permanent=true; the user is CONFIRMED).
func (c *Client) SetPermanentPassword(ctx context.Context, pool policy.Pool, username string) (PasswordResult, error) {
	return c.setPassword(ctx, pool, username, true)
}

func (c *Client) setPassword(ctx context.Context, pool policy.Pool, username string, permanent bool) (PasswordResult, error) {
	if err := checkUsername(username); err != nil {
		return PasswordResult{}, err
	}
	for {
		info, fresh, err := c.poolInfo(ctx, pool)
		if err != nil {
			return PasswordResult{}, err
		}
		password, err := GeneratePassword(c.rand, info.policy)
		if err != nil {
			return PasswordResult{}, &Error{Code: approval.EINTERNAL, Message: "The bot could not generate a password; the details are in its log.", Err: err}
		}
		var tries attempts
		out, err := call(ctx, c, pool, func(ctx context.Context, o func(*cip.Options)) (*cip.AdminSetUserPasswordOutput, error) {
			return c.api.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
				UserPoolId: aws.String(pool.ID), Username: aws.String(username), Password: aws.String(password.Reveal()), Permanent: permanent,
			}, o, tries.count)
		})
		var e *Error
		switch {
		case errors.As(err, &e) && e.Code == approval.EPASSWORD && !fresh:
			// The pool's policy changed since it was cached: read it again and retry once.
			c.forget(pool)
			continue
		case errors.As(err, &e) && e.AWSCode == "PasswordHistoryPolicyViolationException" && tries.retried():
			// A freshly generated password cannot be one the user had before: an earlier
			// attempt of this call set it (its answer was lost), and the retry, setting it
			// again, found it in the pool's password history. The password is set.
			c.log.InfoContext(ctx, "cognito password set by an earlier attempt", "pool", pool.ID, "username", username, "aws_request_id", e.RequestID)
		case err != nil:
			return PasswordResult{}, err
		}
		res := PasswordResult{Password: password}
		if out != nil {
			res.RequestID = requestID(out.ResultMetadata)
		}
		if permanent {
			res.Detail = "Set a new password, which the user keeps."
		} else {
			res.ValidDays = info.policy.TemporaryPasswordValidityDays
			res.Detail = fmt.Sprintf("Set a temporary password, valid for %d days. At sign-in the user must choose a new one.", res.ValidDays)
		}
		c.log.InfoContext(ctx, "cognito password set", "pool", pool.ID, "username", username, "permanent", permanent, "aws_request_id", res.RequestID)
		return res, nil
	}
}

// VerifyContact marks the user's email or phone number verified
// (AdminUpdateUserAttributes email_verified=true or phone_number_verified=true), so that
// Cognito sends reset codes there. The call names the address it verifies, as read just
// before, so the mark lands on the address that was looked at.
func (c *Client) VerifyContact(ctx context.Context, pool policy.Pool, username string, contact Contact) (Result, error) {
	if err := checkUsername(username); err != nil {
		return Result{}, err
	}
	what := map[Contact]string{ContactEmail: "email address", ContactPhone: "phone number"}[contact]
	if what == "" {
		return Result{}, invalid("There is no contact %q to verify: use email or phone_number.", contact)
	}
	u, err := c.getUser(ctx, pool, username)
	if err != nil {
		return Result{}, err
	}
	address, already := u.Email, u.EmailVerified
	if contact == ContactPhone {
		address, already = u.Phone, u.PhoneVerified
	}
	if address == "" {
		return Result{}, invalid("The user has no %s in Cognito, so there is none to verify.", what)
	}
	out, err := call(ctx, c, pool, func(ctx context.Context, o func(*cip.Options)) (*cip.AdminUpdateUserAttributesOutput, error) {
		return c.api.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(pool.ID), Username: aws.String(username),
			UserAttributes: []types.AttributeType{
				{Name: aws.String(string(contact)), Value: aws.String(address)},
				{Name: aws.String(string(contact) + "_verified"), Value: aws.String("true")},
			},
		}, o)
	})
	if err != nil {
		return Result{}, err
	}
	res := Result{RequestID: requestID(out.ResultMetadata), Detail: fmt.Sprintf("Marked the user's %s as verified; Cognito can send reset codes there now.", what)}
	if already {
		res.Detail = fmt.Sprintf("The user's %s was already verified; it still is.", what)
	}
	c.log.InfoContext(ctx, "cognito contact verified", "pool", pool.ID, "username", username, "contact", string(contact), "aws_request_id", res.RequestID)
	return res, nil
}

// GlobalSignOut signs the user out of every session (AdminUserGlobalSignOut): their refresh
// tokens stop working.
func (c *Client) GlobalSignOut(ctx context.Context, pool policy.Pool, username string) (Result, error) {
	if err := checkUsername(username); err != nil {
		return Result{}, err
	}
	out, err := call(ctx, c, pool, func(ctx context.Context, o func(*cip.Options)) (*cip.AdminUserGlobalSignOutOutput, error) {
		return c.api.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: aws.String(pool.ID), Username: aws.String(username)}, o)
	})
	if err != nil {
		return Result{}, err
	}
	res := Result{RequestID: requestID(out.ResultMetadata), Detail: "Signed the user out of every session; they must sign in again everywhere."}
	c.log.InfoContext(ctx, "cognito global sign-out", "pool", pool.ID, "username", username, "aws_request_id", res.RequestID)
	return res, nil
}
