package cognito

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/resetbot/resetbot/policy"
)

// operations are the cognito-idp API actions this package calls, and the only ones it can:
// a call of any other is refused before it leaves (see instrument). They are those of every
// action (policy.ActionSpec.Operations) and DescribeUserPool, with which Preflight checks a
// pool. The IAM policy the bot runs with must allow exactly these.
var operations = func() []string {
	ops := []string{"DescribeUserPool"}
	for _, s := range policy.Specs() {
		ops = append(ops, s.Operations...)
	}
	slices.Sort(ops)
	return slices.Compact(ops)
}()

// Operations lists the cognito-idp API actions the package can call (e.g. "AdminResetUserPassword"),
// for checking an IAM policy against.
func Operations() []string { return slices.Clone(operations) }

// errUndeclared is the error of a call to an operation missing from Operations.
var errUndeclared = errors.New("operation not in cognito.Operations()")

// instrument adds the middleware that keeps the package to its declared operations, and
// observes and logs every call (its retries included).
func (c *Client) instrument(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("resetbot.Observe",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			op := awsmiddleware.GetOperationName(ctx)
			if !slices.Contains(operations, op) {
				return middleware.InitializeOutput{}, middleware.Metadata{}, fmt.Errorf("%w: %s", errUndeclared, op)
			}
			start := time.Now()
			out, md, err := next.HandleInitialize(ctx, in)
			c.observed(ctx, op, time.Since(start), md, err)
			return out, md, err
		}), middleware.After)
}

// observed logs and observes one call. It is a function of its own so that the frame of the
// middleware above, which stays on the stack while the call waits for Cognito, is small.
//
//go:noinline
func (c *Client) observed(ctx context.Context, op string, elapsed time.Duration, md middleware.Metadata, err error) {
	code := errorCode(err)
	requestID, _ := awsmiddleware.GetRequestIDMetadata(md)
	if requestID == "" {
		requestID = requestIDOf(err)
	}
	c.log.DebugContext(ctx, "cognito call", "op", op, "elapsed", elapsed, "error_code", code, "aws_request_id", requestID)
	if c.observe != nil {
		c.observe(op, elapsed, code)
	}
}

// errorCode is the AWS error code of a failed call, or what kept it from being answered.
func errorCode(err error) string {
	var ae smithy.APIError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &ae):
		return ae.ErrorCode()
	case errors.Is(err, context.DeadlineExceeded):
		return "RequestTimeout"
	case errors.Is(err, context.Canceled):
		return "RequestCanceled"
	}
	return "ClientError"
}
