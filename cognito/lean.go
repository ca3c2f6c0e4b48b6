package cognito

import (
	"context"
	"runtime"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// userAgent is the User-Agent of every Cognito call, made once.
var userAgent = "aws-sdk-go-v2/" + aws.SDKVersion + " api/cognitoidentityprovider lang/go#" + runtime.Version() + " app/resetbot"

// lean takes out of every call's middleware stack what changes nothing Cognito acts on: the
// tracing span around the retry loop (the tracer is a no-op), the interceptor hooks (none is
// registered), Lambda's recursion detection (the bot does not run in Lambda) and the
// credential source the User-Agent reports; and it makes the User-Agent once instead of at
// every call. The SDK builds the stack anew for each call: each
// middleware is an allocation or more and two frames on the stack of a goroutine that then
// waits for Cognito. Signing, retries (with their invocation id and attempt header), endpoint
// resolution, clock skew and error handling are kept.
func lean(stack *middleware.Stack) error {
	for _, id := range []string{"RecursionDetection", "SetCredentialSourceMiddleware"} {
		_, _ = stack.Build.Remove(id)
	}
	for _, id := range []string{"spanRetryLoop", "InterceptBeforeRetryLoop", "InterceptAttempt"} {
		_, _ = stack.Finalize.Remove(id)
	}
	_, _ = stack.Build.Swap("UserAgent", middleware.BuildMiddlewareFunc("UserAgent", setUserAgent))
	return nil
}

// setUserAgent sets the User-Agent made once.
func setUserAgent(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
	if req, ok := in.Request.(*smithyhttp.Request); ok {
		req.Header.Set("User-Agent", userAgent)
	}
	return next.HandleBuild(ctx, in)
}
