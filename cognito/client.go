package cognito

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/sync/singleflight"

	"github.com/resetbot/resetbot/policy"
)

// Defaults of Options.
const (
	DefaultCallTimeout    = 10 * time.Second
	DefaultPolicyCacheTTL = 5 * time.Minute
)

// Options configure a Client. The zero value is usable.
type Options struct {
	// Endpoint overrides the Cognito endpoint (a fake in tests, cognito-local in development).
	Endpoint string
	// CallTimeout is the deadline of each Cognito call, retries included. Default 10s.
	CallTimeout time.Duration
	// Logger gets one debug line per call and one info line per change made. Default: discard.
	Logger *slog.Logger
	// PolicyCacheTTL is how long a pool's DescribeUserPool answer is reused. Default 5m.
	PolicyCacheTTL time.Duration
	// Observe, when set, is told about every call: the API action, how long it took with its
	// retries, and "" on success or the AWS error code (RequestTimeout, RequestCanceled or
	// ClientError when the call failed before Cognito answered).
	Observe func(op string, elapsed time.Duration, errCode string)
	// Retryer retries throttled and failed calls. Default: the aws.Config's, or the SDK's
	// standard retryer when it has none. For AdminResetUserPassword it is narrowed to the
	// failures of attempts Cognito did not act on.
	Retryer aws.Retryer
	// Now is the clock of the policy cache. Default time.Now.
	Now func() time.Time
	// Rand is the source of generated passwords. Default crypto/rand.
	Rand io.Reader
}

// Client talks to Cognito user pools. One client serves pools in any region: each call is
// made in the region of its pool. It is safe for concurrent use.
type Client struct {
	api     *cip.Client
	log     *slog.Logger
	timeout time.Duration
	ttl     time.Duration
	now     func() time.Time
	rand    io.Reader
	observe func(string, time.Duration, string)
	lean    lean // set once the SDK client is made, before any call

	mu    sync.Mutex
	pools map[string]poolInfo // by region/id

	describing singleflight.Group // DescribeUserPool calls in flight, by region/id
}

// New returns a client using cfg's credentials (the default chain when cfg comes from
// config.LoadDefaultConfig: environment, shared config, ECS and EKS roles).
func New(cfg aws.Config, opts Options) *Client {
	c := &Client{
		log:     opts.Logger,
		timeout: opts.CallTimeout,
		ttl:     opts.PolicyCacheTTL,
		now:     opts.Now,
		rand:    opts.Rand,
		observe: opts.Observe,
		pools:   map[string]poolInfo{},
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.timeout <= 0 {
		c.timeout = DefaultCallTimeout
	}
	if c.ttl <= 0 {
		c.ttl = DefaultPolicyCacheTTL
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.rand == nil {
		c.rand = rand.Reader
	}
	retryer := opts.Retryer
	if retryer == nil && cfg.Retryer != nil {
		retryer = cfg.Retryer()
	}
	if retryer == nil {
		retryer = retry.NewStandard()
	}
	c.api = cip.NewFromConfig(cfg, func(o *cip.Options) {
		if opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(opts.Endpoint)
		}
		o.Retryer = retryer
		WithOwnBody(o)
		// Request and response bodies carry passwords: never let the SDK log them.
		o.ClientLogMode &^= aws.LogRequestWithBody | aws.LogResponseWithBody
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error { return c.lean.apply(s) }, c.instrument)
	})
	o := c.api.Options()
	c.lean = lean{logs: o.ClientLogMode.IsRequest() || o.ClientLogMode.IsResponse(), endpoints: newEndpoints(o)}
	return c
}

// region is where a pool lives: as configured, or the prefix of its id (eu-west-1_AbC → eu-west-1).
func region(pool policy.Pool) string {
	if pool.Region != "" {
		return pool.Region
	}
	r, _, _ := strings.Cut(pool.ID, "_")
	return r
}

// call makes one Cognito call under the call deadline, in the pool's region, and turns its
// error into an *Error.
func call[Out any](ctx context.Context, c *Client, pool policy.Pool, f func(context.Context, func(*cip.Options)) (Out, error)) (Out, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	out, err := f(ctx, func(o *cip.Options) {
		if r := region(pool); r != "" {
			o.Region = r
		}
	})
	if err != nil {
		var zero Out
		return zero, c.classify(err, pool)
	}
	return out, nil
}

// poolName is how messages name a pool: by the name people type, else by id.
func poolName(pool policy.Pool) string {
	if pool.Name != "" {
		return pool.Name
	}
	return pool.ID
}
