package approval_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/internal/fakeclock"
	"github.com/resetbot/resetbot/policy"
)

// The end-to-end tests run the workflow against the real Cognito adapter, which drives the
// real AWS SDK over HTTP against the fake Cognito, with SQLite in a temporary directory and a
// fake clock.

// e2e is a harness whose directory is Cognito (the fake, over HTTP).
type e2e struct {
	*harness
	cog *cognitotest.Server
}

const e2ePassword = "Correct-horse-battery-1!"

// newDirectory is the Cognito adapter on the AWS SDK, pointed at the fake. Calls are not
// retried, so a call counted at the fake is a call the workflow made.
func newDirectory(t *testing.T, url string, log *slog.Logger) approval.Directory {
	t.Helper()
	cfg := aws.Config{
		Region:      "eu-west-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "not-a-secret", ""),
	}
	return cognito.NewDirectory(cognito.New(cfg, cognito.Options{Endpoint: url, Logger: log, Retryer: aws.NopRetryer{}}))
}

func newE2E(t *testing.T) *e2e {
	t.Helper()
	c := fakeclock.New(t0)
	cog := cognitotest.New(cognitotest.WithRegion("eu-west-1"), cognitotest.WithClock(c.Now))
	t.Cleanup(cog.Close)
	users := []cognitotest.SeedUser{
		{Username: "alice", Password: e2ePassword, Groups: []string{"customers"},
			Attributes: map[string]string{"email": "alice@example.com", "email_verified": "true"}},
		{Username: "bob", Password: e2ePassword, Groups: []string{"customers"},
			Attributes: map[string]string{"email": "bob@example.com", "email_verified": "false"}},
		{Username: "root", Password: e2ePassword, Groups: []string{"admins"},
			Attributes: map[string]string{"email": "root@example.com", "email_verified": "true"}},
	}
	var seed cognitotest.Seed
	for _, p := range []policy.Pool{prod, dev} {
		seed.Pools = append(seed.Pools, cognitotest.SeedPool{
			ID: p.ID, Name: p.Name,
			PasswordPolicy: &cognitotest.SeedPasswordPolicy{MinimumLength: 12, RequireUppercase: true, RequireLowercase: true,
				RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7},
			AccountRecovery: []string{"verified_email", "verified_phone_number"},
			Clients:         []cognitotest.SeedClient{{ID: "client" + strings.ToLower(p.Name), Name: "web"}},
			Groups:          []cognitotest.SeedGroup{{Name: "customers"}, {Name: "admins"}},
			Users:           users,
		})
	}
	cog.MustLoad(t, seed)
	h := newHarness(t, func(cfg *approval.Config) {
		cfg.Now = c.Now
		cfg.Directory = newDirectory(t, cog.URL(), cfg.Logger)
	})
	h.clock = c
	return &e2e{harness: h, cog: cog}
}

// signIn is the end user signing in through the pool's app client.
func (e *e2e) signIn(pool policy.Pool, username, password string) (*cip.InitiateAuthOutput, error) {
	api := cip.New(cip.Options{Region: "eu-west-1", BaseEndpoint: aws.String(e.cog.URL()), Retryer: aws.NopRetryer{}})
	return api.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow:       types.AuthFlowTypeUserPasswordAuth,
		ClientId:       aws.String("client" + strings.ToLower(pool.Name)),
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password},
	})
}

func TestE2EResetWithApproval(t *testing.T) {
	e := newE2E(t)
	r := e.submit(sub(prod, policy.ActionReset))
	if r.Target.Sub == "" || r.Target.EmailMasked != "a***e@example.com" || !r.Target.EmailVerified {
		t.Errorf("target %+v", r.Target)
	}
	if got := e.cog.Calls("AdminResetUserPassword"); got != 0 {
		t.Fatalf("reset before approval")
	}
	r = e.approve(r.ID, lead1)
	if r.State != approval.StateSucceeded || r.AWSRequestID == "" {
		t.Fatalf("state %s, aws id %q, outcome %q", r.State, r.AWSRequestID, r.Outcome)
	}
	if got := e.cog.Calls("AdminResetUserPassword"); got != 1 {
		t.Errorf("%d resets at Cognito", got)
	}
	if e.cog.Code(prod.ID, "alice") == "" {
		t.Error("Cognito sent alice no code")
	}
	if !strings.Contains(r.Outcome, "complete forgot-password") {
		t.Errorf("outcome %q", r.Outcome)
	}
	// As the outcome says: at sign-in alice is told to reset her password.
	var reset *types.PasswordResetRequiredException
	if _, err := e.signIn(prod, "alice", e2ePassword); !errors.As(err, &reset) {
		t.Errorf("signing in after the reset: %v, want PasswordResetRequiredException", err)
	}
	events := e.eventList(r.ID)
	if last := events[len(events)-1]; last.Kind != "succeeded" || last.AWSRequestID != r.AWSRequestID {
		t.Errorf("last audit event %+v", last)
	}
}

func TestE2EHundredApproversOneReset(t *testing.T) {
	e := newE2E(t)
	r := e.submit(sub(prod, policy.ActionReset))
	svcs := []*approval.Service{e.svc, e.second("test-2"), e.second("test-3")}
	ok, codes := approveAll(t, svcs, r.ID, 100, lead)
	for _, svc := range svcs {
		svc.Wait()
	}
	if got := e.cog.Calls("AdminResetUserPassword"); got != 1 {
		t.Fatalf("%d AdminResetUserPassword calls at Cognito, want exactly 1", got)
	}
	if ok != 1 || codes[approval.ECONFLICT] != 99 {
		t.Errorf("%d approvals counted, losers %v", ok, codes)
	}
	if got := e.get(r.ID).State; got != approval.StateSucceeded {
		t.Errorf("state %s", got)
	}
}

func TestE2ENoVerifiedContactThenVerifyAndReset(t *testing.T) {
	e := newE2E(t)
	s := sub(prod, policy.ActionReset)
	s.Target = "bob"
	r := e.approve(e.submit(s).ID, lead1)
	if r.State != approval.StateFailed || r.ErrorCode != approval.ENOVERIFIEDCONTACT {
		t.Fatalf("state %s code %q outcome %q", r.State, r.ErrorCode, r.Outcome)
	}
	n := e.note.last(r.ID)
	if n.FollowUp != policy.ActionVerifyEmail || !strings.Contains(n.Text, "verify-email request") {
		t.Errorf("notice %+v", n)
	}

	s.Action = n.FollowUp
	if r := e.approve(e.submit(s).ID, lead1); r.State != approval.StateSucceeded {
		t.Fatalf("verify-email: state %s outcome %q", r.State, r.Outcome)
	}
	s.Action = policy.ActionReset
	r = e.approve(e.submit(s).ID, lead1)
	if r.State != approval.StateSucceeded {
		t.Fatalf("reset after verifying: state %s outcome %q", r.State, r.Outcome)
	}
	if e.cog.Code(prod.ID, "bob") == "" {
		t.Error("Cognito sent bob no code")
	}
}

func TestE2ETemporaryPasswordReachesOnlyTheRequester(t *testing.T) {
	e := newE2E(t)
	r := e.approve(e.submit(sub(prod, policy.ActionTempPassword)).ID, lead1)
	if r.State != approval.StateSucceeded {
		t.Fatalf("state %s outcome %q", r.State, r.Outcome)
	}
	d := e.note.delivered()
	if len(d) != 1 || d[0].Requester != "U0REQ0001" || d[0].ValidDays != 7 {
		t.Fatalf("delivered %+v", d)
	}
	secret := d[0].Password.Reveal()
	if len(secret) < 12 {
		t.Fatalf("the delivered password %d characters long does not fit the pool's policy", len(secret))
	}
	if !strings.Contains(r.Outcome, "within 7 days") {
		t.Errorf("outcome %q", r.Outcome)
	}
	// As the outcome says: the user signs in with it and must choose a new password.
	out, err := e.signIn(prod, "alice", secret)
	if err != nil || out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Errorf("signing in with the delivered password: %+v, %v", out, err)
	}

	var everything bytes.Buffer
	fmt.Fprintf(&everything, "%+v\n", *e.get(r.ID))
	for _, ev := range e.eventList(r.ID) {
		fmt.Fprintf(&everything, "%+v\n", ev)
	}
	for _, n := range e.note.all() {
		fmt.Fprintf(&everything, "%+v\n", n)
	}
	everything.WriteString(e.logs.String())
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(e.dbPath + "*")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		everything.Write(b)
	}
	if strings.Contains(everything.String(), secret) {
		t.Error("the temporary password is in the store, the audit trail, a notice or the log")
	}
}

// holdingDirectory runs a hook before each write action reaches the real directory.
type holdingDirectory struct {
	approval.Directory
	before atomic.Pointer[func()]
}

func (d *holdingDirectory) Run(ctx context.Context, pool policy.Pool, user approval.User, action policy.Action) (approval.RunResult, error) {
	if f := d.before.Load(); f != nil {
		(*f)()
	}
	return d.Directory.Run(ctx, pool, user, action)
}

func TestE2ECrashBetweenClaimAndResult(t *testing.T) {
	e := newE2E(t)
	hd := &holdingDirectory{Directory: e.cfg.Directory}
	cfg := e.cfg
	cfg.Directory = hd
	first, crash := e.crashable(cfg)
	r := e.submit(sub(prod, policy.ActionReset))
	hd.before.Store(&crash)
	if _, err := first.Approve(t.Context(), r.ID, lead1); err == nil {
		t.Fatal("the crashed process recorded its result")
	}
	if got := e.cog.Calls("AdminResetUserPassword"); got != 1 {
		t.Fatalf("%d resets", got)
	}

	next := e.second("test-2")
	e.clock.Advance(2 * time.Minute)
	for range 3 {
		if err := next.Sweep(t.Context()); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Hour)
	}
	got, err := next.Get(t.Context(), r.ID)
	if err != nil || got.State != approval.StateInterrupted {
		t.Fatalf("after the lease: %+v, %v", got, err)
	}
	if _, err := next.Approve(t.Context(), r.ID, lead2); approval.ErrorCode(err) != approval.ECONFLICT {
		t.Errorf("approving an interrupted request: %v", err)
	}
	if got := e.cog.Calls("AdminResetUserPassword"); got != 1 {
		t.Errorf("%d resets after the interruption, want 1: it was re-run", got)
	}
}

func TestE2ERestartWithPendingRequests(t *testing.T) {
	e := newE2E(t)
	a := e.submit(sub(prod, policy.ActionReset))
	b := e.submit(sub(prod, policy.ActionSignOut))
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}
	next := e.second("test-2")
	if err := next.Sweep(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*approval.Request{a, b} {
		got, err := next.Approve(t.Context(), r.ID, lead1)
		if err != nil || got.State != approval.StateSucceeded {
			t.Fatalf("%s after the restart: %+v, %v", r.Action, got, err)
		}
	}
	calls := map[string]int{
		"AdminResetUserPassword": e.cog.Calls("AdminResetUserPassword"),
		"AdminUserGlobalSignOut": e.cog.Calls("AdminUserGlobalSignOut"),
	}
	if diff := cmp.Diff(calls, map[string]int{"AdminResetUserPassword": 1, "AdminUserGlobalSignOut": 1}); diff != "" {
		t.Errorf("calls at Cognito (-got +want):\n%s", diff)
	}
}

func TestE2EThrottledRun(t *testing.T) {
	e := newE2E(t)
	r := e.submit(sub(prod, policy.ActionReset))
	e.cog.Inject(cognitotest.Fault{Op: "AdminResetUserPassword", Code: "TooManyRequestsException"})
	r = e.approve(r.ID, lead1)
	if r.State != approval.StateFailed || r.ErrorCode != approval.ETHROTTLED {
		t.Fatalf("state %s code %q outcome %q", r.State, r.ErrorCode, r.Outcome)
	}
	if !strings.Contains(r.Outcome, "in a few minutes") {
		t.Errorf("outcome %q", r.Outcome)
	}
}

func TestE2EAdminProtectedAndUnknownUser(t *testing.T) {
	e := newE2E(t)
	s := sub(prod, policy.ActionReset)
	s.Target = "root@example.com"
	_, err := e.svc.Submit(t.Context(), s)
	wantCode(t, err, approval.EFORBIDDEN)
	s.Target = "nobody@example.com"
	_, err = e.svc.Submit(t.Context(), s)
	wantCode(t, err, approval.ENOTFOUND)
	if got := e.cog.Calls("AdminResetUserPassword"); got != 0 {
		t.Errorf("%d resets", got)
	}
}
