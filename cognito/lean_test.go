package cognito_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/policy"
)

// TestCallsKeepWhatCognitoActsOn: with the middleware the bot does not need taken out, every
// call is still signed, carries its invocation id and attempt number (the same id on the
// attempt after a throttled one) and a User-Agent, and nothing of Lambda's trace.
func TestCallsKeepWhatCognitoActsOn(t *testing.T) {
	type seen struct {
		Target       string
		Signed       bool
		InvocationID string
		Attempt      string
		UserAgent    bool
		TraceID      string
	}
	var mu sync.Mutex
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		target := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")
		mu.Lock()
		throttle := target == "AdminListGroupsForUser" && !slices.ContainsFunc(got, func(s seen) bool { return s.Target == target })
		got = append(got, seen{
			Target:       target,
			Signed:       strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
			InvocationID: r.Header.Get("Amz-Sdk-Invocation-Id"),
			Attempt:      strings.Split(r.Header.Get("Amz-Sdk-Request"), ";")[0],
			UserAgent:    strings.HasPrefix(r.Header.Get("User-Agent"), "aws-sdk-go-v2/"),
			TraceID:      r.Header.Get("X-Amzn-Trace-Id"),
		})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		switch {
		case throttle:
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"__type":"TooManyRequestsException","message":"Too many requests"}`)
		case target == "AdminGetUser":
			_, _ = io.WriteString(w, `{"Username":"alice","Enabled":true,"UserStatus":"CONFIRMED","UserAttributes":[`+
				`{"Name":"sub","Value":"00000000-0000-4000-8000-000000000001"}]}`)
		default:
			_, _ = io.WriteString(w, `{"Groups":[]}`)
		}
	}))
	t.Cleanup(srv.Close)
	t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "f")
	t.Setenv("_X_AMZN_TRACE_ID", "Root=1-00000000-000000000000000000000000")
	c := cognito.New(cfg(), cognito.Options{Endpoint: srv.URL, Retryer: noBackoff()})
	if _, err := c.Lookup(t.Context(), prod, "alice"); err != nil {
		t.Fatal(err)
	}
	// The user and their groups are read at once: in any order but the groups' two attempts'.
	slices.SortStableFunc(got, func(a, b seen) int { return strings.Compare(a.Target, b.Target) })
	if len(got) != 3 || got[0].InvocationID == "" || got[1].InvocationID == "" || got[0].InvocationID == got[1].InvocationID {
		t.Fatalf("calls %+v, want three, two calls with an invocation id each", got)
	}
	user, groups := got[0].InvocationID, got[1].InvocationID
	want := []seen{
		{"AdminGetUser", true, user, "attempt=1", true, ""},
		{"AdminListGroupsForUser", true, groups, "attempt=1", true, ""},
		{"AdminListGroupsForUser", true, groups, "attempt=2", true, ""},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("what Cognito received (-got +want):\n%s", diff)
	}
}

// TestEndpointsAsTheSDKResolvesThem: the endpoint each region's calls go to, resolved once per
// region, is the one the SDK's own resolution picks at every call, with and without an
// endpoint of the configuration's, FIPS and dual-stack; a region not of the plain form is
// left to the SDK's resolution.
func TestEndpointsAsTheSDKResolvesThem(t *testing.T) {
	type setup struct {
		name      string
		base      string
		fips      aws.FIPSEndpointState
		dualStack aws.DualStackEndpointState
	}
	setups := []setup{
		{name: "default"},
		{name: "base endpoint", base: "http://127.0.0.1:9/cognito"},
		{name: "fips", fips: aws.FIPSEndpointStateEnabled},
		{name: "dual-stack", dualStack: aws.DualStackEndpointStateEnabled},
	}
	regions := []string{"eu-west-1", "us-east-1", "us-gov-west-1", "cn-north-1", "ap-southeast-5", "fips-us-east-1"}
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) {
			for _, region := range regions {
				// The project's client and the SDK's own, from the same configuration, each
				// sending to a transport that answers without a network and notes where the
				// call was sent.
				ours, oursSeen := capturing(t)
				sdk, sdkSeen := capturing(t)
				sources := []any{endpointSource{s.fips, s.dualStack}}
				c := cognito.New(aws.Config{Region: region, Credentials: cfg().Credentials, HTTPClient: &http.Client{Transport: ours}, ConfigSources: sources},
					cognito.Options{Endpoint: s.base, Retryer: noBackoff()})
				plain := cip.NewFromConfig(aws.Config{Region: region, Credentials: cfg().Credentials, HTTPClient: &http.Client{Transport: sdk}, ConfigSources: sources, Retryer: noBackoff},
					func(o *cip.Options) {
						if s.base != "" {
							o.BaseEndpoint = aws.String(s.base)
						}
					})
				pool := policy.Pool{Name: "p", ID: region + "_Abc", Region: region}
				for range 2 { // the second call takes the endpoint kept from the first
					_, ourErr := c.LookupUser(t.Context(), pool, "alice")
					_, sdkErr := plain.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: aws.String(pool.ID), Username: aws.String("alice")})
					if (ourErr == nil) != (sdkErr == nil) {
						t.Fatalf("%s: errors %v and the SDK's %v", region, ourErr, sdkErr)
					}
				}
				if diff := cmp.Diff(*oursSeen, *sdkSeen); diff != "" {
					t.Errorf("%s: where the calls went (-ours +the SDK's):\n%s", region, diff)
				}
				if len(*oursSeen) != 2 && !strings.HasPrefix(region, "fips-") { // the SDK refuses FIPS with an endpoint of one's own
					t.Errorf("%s: %d calls sent, want 2", region, len(*oursSeen))
				}
			}
		})
	}
}

// capturing is a transport that answers every call with a user, noting the URL and Host of
// each request.
func capturing(t *testing.T) (http.RoundTripper, *[]string) {
	t.Helper()
	var mu sync.Mutex
	seen := &[]string{}
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		*seen = append(*seen, r.Method+" "+r.URL.String()+" host="+r.Host)
		mu.Unlock()
		rec := httptest.NewRecorder()
		rec.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = io.WriteString(rec, `{"Username":"alice","Enabled":true,"UserStatus":"CONFIRMED","UserAttributes":[]}`)
		return rec.Result(), nil
	}), seen
}

// endpointSource is a configuration source of the FIPS and dual-stack settings, as the SDK's
// shared configuration is.
type endpointSource struct {
	fips      aws.FIPSEndpointState
	dualStack aws.DualStackEndpointState
}

func (s endpointSource) GetUseFIPSEndpoint(context.Context) (aws.FIPSEndpointState, bool, error) {
	return s.fips, s.fips != aws.FIPSEndpointStateUnset, nil
}

func (s endpointSource) GetUseDualStackEndpoint(context.Context) (aws.DualStackEndpointState, bool, error) {
	return s.dualStack, s.dualStack != aws.DualStackEndpointStateUnset, nil
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
