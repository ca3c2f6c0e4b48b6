package cognito_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/internal/fakeclock"
	"github.com/resetbot/resetbot/policy"
)

func TestPasswordPolicyIsCached(t *testing.T) {
	srv := fake(t)
	clk := fakeclock.New(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	c := client(t, srv, cognito.Options{Now: clk.Now, PolicyCacheTTL: time.Minute})
	want := cognito.PasswordPolicy{MinimumLength: 12, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 3}
	for range 3 {
		got, err := c.PasswordPolicy(t.Context(), prod)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("PasswordPolicy (-want +got):\n%s", diff)
		}
	}
	if n := srv.Calls("DescribeUserPool"); n != 1 {
		t.Errorf("DescribeUserPool calls = %d, want 1", n)
	}
	clk.Advance(time.Minute)
	if _, err := c.PasswordPolicy(t.Context(), prod); err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls("DescribeUserPool"); n != 2 {
		t.Errorf("DescribeUserPool calls after the TTL = %d, want 2", n)
	}
}

func TestDefaultValidityDays(t *testing.T) {
	srv := cognitotest.New()
	t.Cleanup(srv.Close)
	srv.MustLoad(t, cognitotest.Seed{Pools: []cognitotest.SeedPool{{ID: poolID, Name: "prod",
		PasswordPolicy: &cognitotest.SeedPasswordPolicy{MinimumLength: 30},
		Users:          []cognitotest.SeedUser{{Username: "alice", Password: strings.Repeat("long-", 6)}}}}})
	c := client(t, srv, cognito.Options{})
	res, err := c.SetTemporaryPassword(t.Context(), prod, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if res.ValidDays != 7 || len(res.Password.Reveal()) != 30 {
		t.Errorf("valid %d days, %d characters; want Cognito's default 7 and the pool's 30", res.ValidDays, len(res.Password.Reveal()))
	}
}

func TestPasswordRejectedWithACachedPolicyIsRetriedOnce(t *testing.T) {
	srv := fake(t, user("alice"))
	c := client(t, srv, cognito.Options{})
	if _, err := c.PasswordPolicy(t.Context(), prod); err != nil {
		t.Fatal(err)
	}
	srv.Inject(cognitotest.Fault{Op: "AdminSetUserPassword", Code: "InvalidPasswordException", Message: "Password does not conform to policy: Password not long enough", Times: 1})
	if _, err := c.SetTemporaryPassword(t.Context(), prod, "alice"); err != nil {
		t.Fatalf("with the policy read again: %v", err)
	}
	if d, s := srv.Calls("DescribeUserPool"), srv.Calls("AdminSetUserPassword"); d != 2 || s != 2 {
		t.Errorf("DescribeUserPool %d, AdminSetUserPassword %d calls; want 2 and 2", d, s)
	}
	// With a policy just read, a rejection is final.
	srv.Inject(cognitotest.Fault{Op: "AdminSetUserPassword", Code: "InvalidPasswordException", Message: "Password does not conform to policy", Times: 2})
	fresh := client(t, srv, cognito.Options{})
	_, err := fresh.SetPermanentPassword(t.Context(), prod, "alice")
	if e := wantCode(t, err, approval.EPASSWORD); !isA[*types.InvalidPasswordException](err) {
		t.Errorf("error %v is not the SDK's InvalidPasswordException", e)
	}
	if s := srv.Calls("AdminSetUserPassword"); s != 3 {
		t.Errorf("AdminSetUserPassword calls = %d, want 3", s)
	}
}

func TestPasswordActionsNeedThePolicy(t *testing.T) {
	srv := fake(t, user("alice"))
	srv.Inject(cognitotest.Fault{Op: "DescribeUserPool", Code: "AccessDeniedException"})
	c := client(t, srv, cognito.Options{})
	_, err := c.SetTemporaryPassword(t.Context(), prod, "alice")
	if e := wantCode(t, err, approval.EIAM); !strings.Contains(e.Message, "cognito-idp:DescribeUserPool") {
		t.Errorf("message = %q", e.Message)
	}
	if n := srv.Calls("AdminSetUserPassword"); n != 0 {
		t.Errorf("AdminSetUserPassword calls = %d, want none without a policy", n)
	}
}

func TestPreflight(t *testing.T) {
	srv := fake(t)
	c := client(t, srv, cognito.Options{})
	if err := c.Preflight(t.Context(), prod); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		pool    policy.Pool
		fault   *cognitotest.Fault
		code    string
		message string
	}{
		{"access denied", prod, &cognitotest.Fault{Op: "DescribeUserPool", Code: "AccessDeniedException", Times: 1}, approval.EIAM,
			"not allowed to call cognito-idp:DescribeUserPool on pool prod"},
		{"wrong id", policy.Pool{Name: "prod", ID: "eu-west-1_Nope", Region: "eu-west-1"}, nil, approval.EPOOLNOTFOUND,
			"no user pool eu-west-1_Nope in region eu-west-1; check the pool's id and region"},
		{"wrong region", policy.Pool{Name: "prod", ID: poolID, Region: "us-east-2"}, nil, approval.EPOOLNOTFOUND,
			"no user pool eu-west-1_Prod1 in region us-east-2"},
		{"no id", policy.Pool{Name: "prod"}, nil, approval.EINVALID, "no user pool id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.fault != nil {
				srv.Inject(*tc.fault)
			}
			err := c.Preflight(t.Context(), tc.pool)
			if e := wantCode(t, err, tc.code); !strings.Contains(e.Message, tc.message) {
				t.Errorf("message %q, want it to contain %q", e.Message, tc.message)
			}
		})
	}
}

// TestPoolsInSeveralRegions uses one client for pools in two regions; the fake answers only
// calls signed for a pool's own region.
func TestPoolsInSeveralRegions(t *testing.T) {
	srv := cognitotest.New()
	t.Cleanup(srv.Close)
	srv.MustLoad(t, cognitotest.Seed{Pools: []cognitotest.SeedPool{
		{ID: "eu-west-1_Eu1", Name: "eu", Users: []cognitotest.SeedUser{user("alice")}},
		{ID: "ap-southeast-2_Au1", Name: "au", Users: []cognitotest.SeedUser{user("bruce")}},
	}})
	c := client(t, srv, cognito.Options{})
	for _, tc := range []struct {
		pool policy.Pool
		user string
	}{
		{policy.Pool{Name: "eu", ID: "eu-west-1_Eu1", Region: "eu-west-1"}, "alice"},
		{policy.Pool{Name: "au", ID: "ap-southeast-2_Au1"}, "bruce"},
	} {
		if _, err := c.Lookup(t.Context(), tc.pool, tc.user); err != nil {
			t.Errorf("%s: %v", tc.pool.Name, err)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	var users []cognitotest.SeedUser
	for i := range 20 {
		users = append(users, user(fmt.Sprintf("user%02d", i), "email", fmt.Sprintf("u%02d@example.com", i), "email_verified", "true"))
	}
	srv := fake(t, users...)
	c := client(t, srv, cognito.Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 3*len(users))
	for _, u := range users {
		wg.Go(func() {
			_, err := c.SetPermanentPassword(t.Context(), prod, u.Username) // a reset may come before or after it
			errs <- err
		})
		wg.Go(func() {
			_, err := c.Lookup(t.Context(), prod, u.Attributes["email"])
			errs <- err
		})
		wg.Go(func() {
			_, err := c.ResetPassword(t.Context(), prod, u.Username)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := srv.Calls("AdminResetUserPassword"); n != len(users) {
		t.Errorf("AdminResetUserPassword calls = %d, want %d", n, len(users))
	}
}
