package cognito

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	smithyauth "github.com/aws/smithy-go/auth"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/resetbot/resetbot/internal/textform"
)

// userAgent is the User-Agent of every Cognito call, made once.
var userAgent = "aws-sdk-go-v2/" + aws.SDKVersion + " api/cognitoidentityprovider lang/go#" + runtime.Version() + " app/resetbot"

// lean takes out of every call's middleware stack what changes nothing Cognito acts on, and
// makes once what the SDK makes at every call. The SDK builds the stack anew for each call:
// each middleware is an allocation or more and two frames on the stack of a goroutine that then
// waits for Cognito, and under load hundreds wait at once, each holding its stack. Signing,
// retries (with their invocation id and attempt header), clock skew, request ids and error
// handling are kept.
//
// Taken out:
//   - the tracing span around the retry loop (the tracer is a no-op), the interceptor hooks
//     (none is registered), Lambda's recursion detection (the bot does not run in Lambda), the
//     credential source the User-Agent reports, and the raw response kept in each call's
//     metadata (nothing reads it);
//   - what serves only a legacy endpoint resolver (Options.EndpointResolver, never set here):
//     the flag it sets, its resolution, and the signing name and region it overrides;
//   - the step that turns https into http for EndpointOptions.DisableHTTPS (never set: an
//     http endpoint is given as such);
//   - the request and response logging when the client logs neither (its ClientLogMode).
//
// Made once: the User-Agent, and each region's endpoint (see endpoints).
type lean struct {
	logs      bool // the client's ClientLogMode logs requests or responses
	endpoints *endpoints
}

func (l lean) apply(stack *middleware.Stack) error {
	_, _ = stack.Initialize.Remove("legacyEndpointContextSetter")
	_, _ = stack.Serialize.Remove("ResolveEndpoint")
	for _, id := range []string{"RecursionDetection", "SetCredentialSourceMiddleware"} {
		_, _ = stack.Build.Remove(id)
	}
	for _, id := range []string{"spanRetryLoop", "InterceptBeforeRetryLoop", "InterceptAttempt", "setLegacyContextSigningOptions", "disableHTTPS"} {
		_, _ = stack.Finalize.Remove(id)
	}
	_, _ = stack.Deserialize.Remove("AddRawResponseToMetadata")
	if !l.logs {
		_, _ = stack.Deserialize.Remove("RequestResponseLogger")
	}
	_, _ = stack.Build.Swap("UserAgent", middleware.BuildMiddlewareFunc("UserAgent", setUserAgent))
	if l.endpoints == nil {
		return nil
	}
	var sdk middleware.FinalizeMiddleware
	resolve := middleware.FinalizeMiddlewareFunc("ResolveEndpointV2", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
		return l.endpoints.set(ctx, in, next, sdk)
	})
	sdk, err := stack.Finalize.Swap("ResolveEndpointV2", resolve)
	if err != nil {
		return fmt.Errorf("cognito endpoint resolution: %w", err)
	}
	return nil
}

// setUserAgent sets the User-Agent made once.
func setUserAgent(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
	if req, ok := in.Request.(*smithyhttp.Request); ok {
		req.Header.Set("User-Agent", userAgent)
	}
	return next.HandleBuild(ctx, in)
}

// endpoints resolves the endpoint of each region once, with the client's own resolver and
// parameters, where the SDK evaluates its endpoint rules at every call: the parameters are
// the client's options but for the region (the calls of this package bind no parameter of
// their own), so the answer for a region does not change. A region not of the plain form
// (eu-west-1) and an endpoint whose rules name auth schemes of their own (Cognito's do not)
// are left to the SDK's resolution, which maps the one and applies the other.
type endpoints struct {
	resolver  cip.EndpointResolverV2
	base      *string
	fips      bool
	dualStack bool

	mu       sync.Mutex
	byRegion map[string]*resolved
}

// resolved is a region's endpoint, and whether its rules name auth schemes of their own. It is
// read by many calls at once and written by none: smithy's Properties initialize themselves
// on their first read, so they are read once, before the endpoint is shared.
type resolved struct {
	endpoint    smithyendpoints.Endpoint
	authSchemes bool
}

func newEndpoints(o cip.Options) *endpoints {
	return &endpoints{
		resolver:  o.EndpointResolverV2,
		base:      o.BaseEndpoint,
		fips:      o.EndpointOptions.UseFIPSEndpoint == aws.FIPSEndpointStateEnabled,
		dualStack: o.EndpointOptions.UseDualStackEndpoint == aws.DualStackEndpointStateEnabled,
		byRegion:  map[string]*resolved{},
	}
}

// resolve is the endpoint of region, resolved at its first call.
func (e *endpoints) resolve(ctx context.Context, region string) (*resolved, error) {
	e.mu.Lock()
	endpt, ok := e.byRegion[region]
	e.mu.Unlock()
	if ok {
		return endpt, nil
	}
	return e.resolveFirst(ctx, region)
}

// resolveFirst resolves the endpoint of region and keeps it. It is a function of its own, out
// of the frame that stays on the stack of every call.
//
//go:noinline
func (e *endpoints) resolveFirst(ctx context.Context, region string) (*resolved, error) {
	params := cip.EndpointParameters{Region: aws.String(region), UseFIPS: aws.Bool(e.fips), UseDualStack: aws.Bool(e.dualStack), Endpoint: e.base}
	endpt, err := e.resolver.ResolveEndpoint(ctx, params)
	if err != nil {
		return nil, err
	}
	opts, _ := smithyauth.GetAuthOptions(&endpt.Properties)
	r := &resolved{endpoint: endpt, authSchemes: len(opts) > 0}
	e.mu.Lock()
	e.byRegion[region] = r
	e.mu.Unlock()
	return r, nil
}

// set points the request at its region's endpoint, as the SDK's ResolveEndpointV2 step (sdk)
// does, or leaves the request to sdk.
func (e *endpoints) set(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler, sdk middleware.FinalizeMiddleware) (middleware.FinalizeOutput, middleware.Metadata, error) {
	req, ok := in.Request.(*smithyhttp.Request)
	region := awsmiddleware.GetRegion(ctx)
	if !ok || !textform.Region(region) {
		return sdk.HandleFinalize(ctx, in, next)
	}
	endpt, err := e.resolve(ctx, region)
	if err != nil {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("failed to resolve service endpoint, %w", err)
	}
	if endpt.authSchemes {
		return sdk.HandleFinalize(ctx, in, next)
	}
	point(req, &endpt.endpoint)
	return next.HandleFinalize(ctx, in)
}

// point points req at endpt, as the SDK does. It is a function of its own, out of the frame
// that stays on the stack of every call.
//
//go:noinline
func point(req *smithyhttp.Request, endpt *smithyendpoints.Endpoint) {
	uri := endpt.URI
	if uri.RawPath == "" && req.URL.RawPath != "" {
		uri.RawPath = uri.Path
	}
	req.URL.Scheme = uri.Scheme
	req.URL.Host = uri.Host
	req.URL.Path = smithyhttp.JoinPath(uri.Path, req.URL.Path)
	req.URL.RawPath = smithyhttp.JoinPath(uri.RawPath, req.URL.RawPath)
	for k := range endpt.Headers {
		req.Header.Set(k, endpt.Headers.Get(k))
	}
}
