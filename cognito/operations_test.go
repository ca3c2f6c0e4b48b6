package cognito_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/policy"
)

// observed records what Options.Observe is told.
type observed struct {
	mu    sync.Mutex
	calls []string // "op code"
}

func (o *observed) observe(op string, elapsed time.Duration, code string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if elapsed <= 0 {
		op += " (no duration)"
	}
	o.calls = append(o.calls, op+" "+code)
}

func (o *observed) ops() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var ops []string
	for _, c := range o.calls {
		op, _, _ := cut(c)
		if !slices.Contains(ops, op) {
			ops = append(ops, op)
		}
	}
	slices.Sort(ops)
	return ops
}

func cut(s string) (string, string, bool) {
	for i := range s {
		if s[i] == ' ' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// TestOperationsAreWhatIsCalled walks every path of the client and holds Operations() to the
// operations it called: none missing, none extra. (Calls of an undeclared operation are
// refused at run time, see TestUndeclaredOperationIsRefused.)
func TestOperationsAreWhatIsCalled(t *testing.T) {
	srv := fake(t,
		user("alice", "sub", aliceSub, "email", "alice@example.com", "email_verified", "true", "phone_number", "+15555550100"),
	)
	var o observed
	c := client(t, srv, cognito.Options{Observe: o.observe})
	d := cognito.NewDirectory(c)
	ctx := t.Context()
	for _, ref := range []string{"alice", "alice@example.com", aliceSub} {
		if _, err := d.Lookup(ctx, prod, ref); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range policy.Actions {
		if a.ReadOnly() {
			continue
		}
		if _, err := d.Run(ctx, prod, approval.User{Username: "alice"}, a); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
	}
	if _, err := d.SignOut(ctx, prod, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PasswordPolicy(ctx, prod); err != nil {
		t.Fatal(err)
	}
	if err := c.Preflight(ctx, prod); err != nil {
		t.Fatal(err)
	}
	want := cognito.Operations()
	slices.Sort(want)
	if diff := cmp.Diff(want, o.ops()); diff != "" {
		t.Errorf("Operations() vs the operations called (-declared +called):\n%s", diff)
	}
	for _, op := range want {
		if srv.Calls(op) == 0 {
			t.Errorf("the fake received no %s", op)
		}
	}
}

func TestOperationsIsACopy(t *testing.T) {
	ops := cognito.Operations()
	ops[0] = "DeleteUserPool"
	if slices.Contains(cognito.Operations(), "DeleteUserPool") {
		t.Error("Operations() shares its slice")
	}
}

func TestObserve(t *testing.T) {
	srv := fake(t, user("alice"))
	var o observed
	c := client(t, srv, cognito.Options{Observe: o.observe})
	srv.Throttle(1)
	if _, err := c.GlobalSignOut(t.Context(), prod, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GlobalSignOut(t.Context(), prod, "nobody"); err == nil {
		t.Fatal("sign-out of nobody succeeded")
	}
	want := []string{"AdminUserGlobalSignOut ", "AdminUserGlobalSignOut UserNotFoundException"}
	if diff := cmp.Diff(want, o.calls); diff != "" {
		t.Errorf("observed (-want +got):\n%s", diff)
	}
	if got := srv.Calls("AdminUserGlobalSignOut"); got != 3 {
		t.Errorf("calls = %d, want 3: one throttled and retried, then two", got)
	}
}

func TestThrottlingIsRetried(t *testing.T) {
	srv := fake(t, user("alice", "email", "alice@example.com", "email_verified", "true"))
	c := client(t, srv, cognito.Options{})
	srv.Throttle(2)
	if _, err := c.ResetPassword(t.Context(), prod, "alice"); err != nil {
		t.Fatalf("reset through two throttled answers: %v", err)
	}
	if got := srv.Calls("AdminResetUserPassword"); got != 3 {
		t.Errorf("AdminResetUserPassword calls = %d, want 3", got)
	}
	srv.Inject(cognitotest.Fault{Op: "AdminUserGlobalSignOut", Code: "TooManyRequestsException"})
	_, err := c.GlobalSignOut(t.Context(), prod, "alice")
	wantCode(t, err, "throttled")
	if got := srv.Calls("AdminUserGlobalSignOut"); got != 3 {
		t.Errorf("AdminUserGlobalSignOut calls = %d, want the standard retryer's 3 attempts", got)
	}
}

func TestDefaultRetryerIsTheConfigs(t *testing.T) {
	srv := fake(t, user("alice"))
	conf := cfg()
	attempts := 0
	conf.Retryer = func() aws.Retryer {
		attempts++
		return noBackoff()
	}
	c := cognito.New(conf, cognito.Options{Endpoint: srv.URL()})
	srv.Throttle(1)
	if _, err := c.GlobalSignOut(t.Context(), prod, "alice"); err != nil {
		t.Fatal(err)
	}
	if attempts == 0 {
		t.Error("the aws.Config's retryer was not used")
	}
}

// TestEachActionCallsItsOperations holds each action's row of the action table to the
// operations the action calls, from its lookup of the user to its run: an operation missing
// from the row would be missing from the IAM policy.
func TestEachActionCallsItsOperations(t *testing.T) {
	for _, spec := range policy.Specs() {
		t.Run(string(spec.Action), func(t *testing.T) {
			srv := fake(t,
				user("alice", "sub", aliceSub, "email", "alice@example.com", "email_verified", "true", "phone_number", "+15555550100"),
			)
			var o observed
			d := cognito.NewDirectory(client(t, srv, cognito.Options{Observe: o.observe}))
			for _, ref := range []string{"alice", "alice@example.com", aliceSub} {
				if _, err := d.Lookup(t.Context(), prod, ref); err != nil {
					t.Fatal(err)
				}
			}
			if !spec.ReadOnly {
				if _, err := d.Run(t.Context(), prod, approval.User{Username: "alice"}, spec.Action); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(spec.Operations, o.ops()); diff != "" {
				t.Errorf("the row's operations vs those called (-row +called):\n%s", diff)
			}
		})
	}
}
