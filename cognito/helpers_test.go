package cognito_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/internal/h1"
	"github.com/resetbot/resetbot/policy"
)

const (
	poolID      = "eu-west-1_Prod1"
	clientID    = "webclient00000000000000001"
	oldPassword = "Old-password-1234"
	newPassword = "New-password-5678"
)

var prod = policy.Pool{Name: "prod", ID: poolID, Region: "eu-west-1"}

// transport is the HTTP transport of the tests' clients: the bot's (internal/h1), so that
// every test of the package runs the SDK over it.
var transport = func() *h1.Transport {
	tr, err := h1.New(h1.Config{MaxIdle: 64})
	if err != nil {
		panic(err)
	}
	return tr
}()

func cfg() aws.Config {
	return aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "not-a-secret", ""),
		HTTPClient:  &http.Client{Transport: transport},
	}
}

// noBackoff is the SDK's standard retryer without waits between attempts.
func noBackoff() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	})
}

func user(name string, attrs ...string) cognitotest.SeedUser {
	u := cognitotest.SeedUser{Username: name, Password: oldPassword, Attributes: map[string]string{}}
	for i := 0; i+1 < len(attrs); i += 2 {
		u.Attributes[attrs[i]] = attrs[i+1]
	}
	return u
}

// fake starts a fake Cognito with the prod pool (password policy: 12 characters, every class).
func fake(t *testing.T, users ...cognitotest.SeedUser) *cognitotest.Server {
	t.Helper()
	srv := cognitotest.New()
	t.Cleanup(srv.Close)
	srv.MustLoad(t, cognitotest.Seed{Pools: []cognitotest.SeedPool{{
		ID: poolID, Name: "prod",
		PasswordPolicy: &cognitotest.SeedPasswordPolicy{MinimumLength: 12, RequireUppercase: true, RequireLowercase: true,
			RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 3},
		AccountRecovery: []string{"verified_email", "verified_phone_number"},
		Clients:         []cognitotest.SeedClient{{ID: clientID, Name: "web"}},
		Groups:          []cognitotest.SeedGroup{{Name: "admins"}, {Name: "support"}},
		Users:           users,
	}}})
	return srv
}

// client is the adapter pointed at the fake, with retries that do not wait.
func client(t *testing.T, srv *cognitotest.Server, opts cognito.Options) *cognito.Client {
	t.Helper()
	opts.Endpoint = srv.URL()
	if opts.Retryer == nil {
		opts.Retryer = noBackoff()
	}
	return cognito.New(cfg(), opts)
}

// endUser is the end user's side: the SDK, as an app signing in would use it.
type endUser struct {
	t   *testing.T
	api *cip.Client
}

func newEndUser(t *testing.T, srv *cognitotest.Server) *endUser {
	return &endUser{t: t, api: cip.New(cip.Options{Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL()), Retryer: aws.NopRetryer{}})}
}

func (u *endUser) signIn(username, password string) (*cip.InitiateAuthOutput, error) {
	return u.api.InitiateAuth(u.t.Context(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(clientID),
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password},
	})
}

func (u *endUser) mustSignIn(username, password string) *types.AuthenticationResultType {
	u.t.Helper()
	out, err := u.signIn(username, password)
	if err != nil {
		u.t.Fatalf("sign-in of %s: %v", username, err)
	}
	if out.AuthenticationResult == nil {
		u.t.Fatalf("sign-in of %s: challenge %s, want tokens", username, out.ChallengeName)
	}
	return out.AuthenticationResult
}

// wantCode checks err is a cognito *Error with the domain code.
func wantCode(t *testing.T, err error, code string) *cognito.Error {
	t.Helper()
	var e *cognito.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want a *cognito.Error %s", err, err, code)
	}
	if e.Code != code {
		t.Fatalf("code = %s (%v), want %s", e.Code, e, code)
	}
	return e
}

// wantDomainCode checks err is an *approval.Error with the code, wrapping a *cognito.Error.
func wantDomainCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae *approval.Error
	if !errors.As(err, &ae) || ae.Code != code {
		t.Fatalf("err = %v, want an *approval.Error %s", err, code)
	}
	var ce *cognito.Error
	if !errors.As(err, &ce) {
		t.Errorf("the *approval.Error does not wrap the *cognito.Error: %v", err)
	}
}

// logBuffer is a debug-level JSON logger whose output a test can read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// aliceServer is a Cognito that knows alice, in no group, and answers AdminGetUser and
// AdminListGroupsForUser alone: at once, or once wait, when given, returns.
func aliceServer(tb testing.TB, wait func()) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if wait != nil {
			wait()
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if r.Header.Get("X-Amz-Target") == "AWSCognitoIdentityProviderService.AdminGetUser" {
			_, _ = io.WriteString(w, `{"Username":"alice","Enabled":true,"UserStatus":"CONFIRMED","UserAttributes":[]}`)
			return
		}
		_, _ = io.WriteString(w, `{"Groups":[]}`)
	}))
	tb.Cleanup(srv.Close)
	return srv
}
