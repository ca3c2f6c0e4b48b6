package cognito_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/cognito/cognitotest"
)

// TestResetIsNotRetriedAfterCognitoMayHaveActed: a second AdminResetUserPassword sends the
// user a second code and voids the first, so a reset is retried only when Cognito cannot have
// acted on the attempt (throttled, see TestThrottlingIsRetried; never reached).
func TestResetIsNotRetriedAfterCognitoMayHaveActed(t *testing.T) {
	t.Run("internal error", func(t *testing.T) {
		srv := fake(t, user("alice", "email", "alice@example.com", "email_verified", "true"))
		c := client(t, srv, cognito.Options{})
		srv.FailInternal(1)
		_, err := c.ResetPassword(t.Context(), prod, "alice")
		wantCode(t, err, approval.EINTERNAL)
		if got := srv.Calls("AdminResetUserPassword"); got != 1 {
			t.Errorf("AdminResetUserPassword calls = %d, want 1", got)
		}
	})
	t.Run("connection lost after the reset", func(t *testing.T) {
		srv := fake(t, user("alice", "email", "alice@example.com", "email_verified", "true"))
		// In front of the fake: the first reset is done, then the connection drops before
		// the answer reaches the client.
		var dropped atomic.Bool
		front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".AdminResetUserPassword") && dropped.CompareAndSwap(false, true) {
				srv.ServeHTTP(httptest.NewRecorder(), r)
				conn, _, err := w.(http.Hijacker).Hijack()
				if err != nil {
					t.Error(err)
					return
				}
				_ = conn.Close()
				return
			}
			srv.ServeHTTP(w, r)
		}))
		t.Cleanup(front.Close)
		c := cognito.New(cfg(), cognito.Options{Endpoint: front.URL, Retryer: noBackoff()})
		_, err := c.ResetPassword(t.Context(), prod, "alice")
		wantCode(t, err, approval.EINTERNAL)
		if sent := srv.Sent(poolID, "alice"); len(sent) != 1 {
			t.Errorf("%d codes sent, want 1: a retry sent a second code that voids the first", len(sent))
		}
	})
	t.Run("Cognito not reached", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		_ = l.Close() // nothing listens there now: every attempt is refused
		var retries atomic.Int32
		retryer := retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) {
				retries.Add(1)
				return 0, nil
			})
		})
		c := cognito.New(cfg(), cognito.Options{Endpoint: "http://" + addr, Retryer: retryer})
		_, err = c.ResetPassword(t.Context(), prod, "alice")
		wantCode(t, err, approval.EINTERNAL)
		if got := retries.Load(); got != 2 {
			t.Errorf("%d retries of a refused connection, want the standard retryer's 2", got)
		}
	})
}

// TestSetPasswordWhoseAnswerWasLost: AdminSetUserPassword is retried (setting the same
// password twice is harmless), but in a pool with a password history the retry is refused as
// a reuse of the password the lost attempt set. That password is set, and is the result.
func TestSetPasswordWhoseAnswerWasLost(t *testing.T) {
	srv := fake(t, user("alice"))
	var dropped atomic.Bool
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".AdminSetUserPassword") && dropped.CompareAndSwap(false, true) {
			srv.ServeHTTP(httptest.NewRecorder(), r)
			srv.Inject(cognitotest.Fault{Op: "AdminSetUserPassword", Code: "PasswordHistoryPolicyViolationException",
				Message: "The password does not meet the password history requirements.", Times: 1})
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			_ = conn.Close()
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	c := cognito.New(cfg(), cognito.Options{Endpoint: front.URL, Retryer: noBackoff()})
	res, err := c.SetTemporaryPassword(t.Context(), prod, "alice")
	if err != nil {
		t.Fatalf("the password was set by the first attempt: %v", err)
	}
	if got := srv.Calls("AdminSetUserPassword"); got != 2 {
		t.Errorf("AdminSetUserPassword calls = %d, want 2", got)
	}
	out, err := newEndUser(t, srv).signIn("alice", res.Password.Reveal())
	if err != nil || out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Errorf("sign-in with the password returned: %v, %v", out, err)
	}

	// Without a retry, the same answer is a refusal like any other.
	srv.Inject(cognitotest.Fault{Op: "AdminSetUserPassword", Code: "PasswordHistoryPolicyViolationException", Times: 1})
	_, err = c.SetTemporaryPassword(t.Context(), prod, "alice")
	wantCode(t, err, approval.EINTERNAL)
}
