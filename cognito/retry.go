package cognito

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go/middleware"
)

// retryUnappliedOnly is the call option of actions that a second attempt would apply twice:
// AdminResetUserPassword sends the user a new code each time, and the second code voids the
// first. Such a call is retried only when Cognito cannot have acted on the failed attempt:
// when it was throttled, or when the request never reached Cognito. An internal error or a
// connection lost while Cognito answered is reported instead, not retried.
func retryUnappliedOnly(o *cip.Options) {
	if o.Retryer != nil {
		o.Retryer = unappliedOnly{o.Retryer}
	}
}

// unappliedOnly narrows a retryer to the failures of attempts Cognito did not act on.
type unappliedOnly struct{ aws.Retryer }

var throttles = retry.IsErrorThrottles(retry.DefaultThrottles)

func (r unappliedOnly) IsErrorRetryable(err error) bool {
	return r.Retryer.IsErrorRetryable(err) && (throttles.IsErrorThrottle(err) == aws.TrueTernary || unsent(err))
}

// GetAttemptToken keeps the wrapped retryer's rate limiting.
func (r unappliedOnly) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	if v2, ok := r.Retryer.(aws.RetryerV2); ok {
		return v2.GetAttemptToken(ctx)
	}
	return r.GetInitialToken(), nil
}

// unsent reports whether err is a failure to reach Cognito at all: no connection was made, so
// no request was sent.
func unsent(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && strings.EqualFold(op.Op, "dial")
}

// attempts counts the attempts of one call, retries included.
type attempts struct{ n atomic.Int32 }

// count is the call option that counts.
func (a *attempts) count(o *cip.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		// After the retry middleware, so once per attempt.
		return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("resetbot.CountAttempts",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				a.n.Add(1)
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
	})
}

func (a *attempts) retried() bool { return a.n.Load() > 1 }
