package cognito

import (
	"context"
	"errors"
	"fmt"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// Directory is the Cognito side of the approval workflow: it implements approval.Directory
// with a Client, and answers every error as an *approval.Error.
type Directory struct {
	c *Client
}

var _ approval.Directory = (*Directory)(nil)

// NewDirectory returns the directory of the client's pools.
func NewDirectory(c *Client) *Directory { return &Directory{c: c} }

// Lookup finds a user by username, email or sub.
func (d *Directory) Lookup(ctx context.Context, pool policy.Pool, ref string) (approval.User, error) {
	u, err := d.c.Lookup(ctx, pool, ref)
	return u, domain(err)
}

// LookupUser finds a user by username, email or sub, without their groups.
func (d *Directory) LookupUser(ctx context.Context, pool policy.Pool, ref string) (approval.User, error) {
	u, err := d.c.LookupUser(ctx, pool, ref)
	return u, domain(err)
}

// Run performs a write action on a user. Read-only and unknown actions are refused (EINVALID).
// A reset of a user as Lookup found them (with their sub) says where the code went from their
// contacts as found, without reading the user once more; a user named by Username alone is
// read again.
func (d *Directory) Run(ctx context.Context, pool policy.Pool, user approval.User, action policy.Action) (approval.RunResult, error) {
	username := user.Username
	switch action {
	case policy.ActionReset:
		var known *approval.User
		if user.Sub != "" { // as Lookup found them, contacts and all
			known = &user
		}
		return result(d.c.resetPassword(ctx, pool, username, known))
	case policy.ActionTempPassword:
		return passwordResult(d.c.SetTemporaryPassword(ctx, pool, username))
	case policy.ActionPermanentPassword:
		return passwordResult(d.c.SetPermanentPassword(ctx, pool, username))
	case policy.ActionVerifyEmail:
		return result(d.c.VerifyContact(ctx, pool, username, ContactEmail))
	case policy.ActionVerifyPhone:
		return result(d.c.VerifyContact(ctx, pool, username, ContactPhone))
	case policy.ActionSignOut:
		return result(d.c.GlobalSignOut(ctx, pool, username))
	case policy.ActionStatus, policy.ActionHistory:
	}
	return approval.RunResult{}, domain(invalid("%q is not an action that changes a Cognito user.", action))
}

// SignOut signs the user out of every session.
func (d *Directory) SignOut(ctx context.Context, pool policy.Pool, username string) (approval.RunResult, error) {
	return result(d.c.GlobalSignOut(ctx, pool, username))
}

func result(r Result, err error) (approval.RunResult, error) {
	if err != nil {
		return failedWrite(err)
	}
	return approval.RunResult{AWSRequestID: r.RequestID, Detail: r.Detail}, nil
}

func passwordResult(r PasswordResult, err error) (approval.RunResult, error) {
	if err != nil {
		return failedWrite(err)
	}
	return approval.RunResult{AWSRequestID: r.RequestID, Detail: r.Detail, Password: r.Password, ValidDays: r.ValidDays}, nil
}

// failed is the result of a failed call: the AWS request id, when Cognito answered, for the
// audit, and the domain error.
func failed(err error) (approval.RunResult, error) {
	var e *Error
	if errors.As(err, &e) {
		return approval.RunResult{AWSRequestID: e.RequestID}, domain(err)
	}
	return approval.RunResult{}, domain(err)
}

// failedWrite is the result of a failed call that changes a user. When Cognito may have
// applied it all the same (Error.Unsure), its code is approval.EUNKNOWN and its message says the
// change may or may not have happened: asking again blindly could do it twice (a second reset
// code voids the first).
func failedWrite(err error) (approval.RunResult, error) {
	res, derr := failed(err)
	var e *Error
	if errors.As(err, &e) && e.Unsure != "" {
		return res, &approval.Error{Code: approval.EUNKNOWN, Err: e,
			Message: fmt.Sprintf("Cognito %s, so it is not known whether the change was made: it may or may not have happened.", e.Unsure)}
	}
	return res, derr
}

// domain turns an error of the client into an *approval.Error wrapping it.
func domain(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return &approval.Error{Code: e.Code, Message: e.Message, Err: e}
	}
	return &approval.Error{Code: approval.EINTERNAL, Message: approval.ErrorMessage(err), Err: fmt.Errorf("cognito: %w", err)}
}
