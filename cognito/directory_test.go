package cognito_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/policy"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func TestDirectoryRun(t *testing.T) {
	tests := []struct {
		action     policy.Action
		attrs      []string
		wantDetail string
		wantSecret bool
		wantDays   int
		wantOp     string
		wantStatus string
	}{
		{policy.ActionReset, []string{"email", "a@example.com", "email_verified", "true"}, "by email", false, 0, "AdminResetUserPassword", "RESET_REQUIRED"},
		{policy.ActionReset, []string{"phone_number", "+15555550100", "phone_number_verified", "true"}, "by text message", false, 0, "AdminResetUserPassword", "RESET_REQUIRED"},
		{policy.ActionTempPassword, nil, "valid for 3 days", true, 3, "AdminSetUserPassword", "FORCE_CHANGE_PASSWORD"},
		{policy.ActionPermanentPassword, nil, "keeps", true, 0, "AdminSetUserPassword", "CONFIRMED"},
		{policy.ActionVerifyEmail, []string{"email", "a@example.com"}, "email address as verified", false, 0, "AdminUpdateUserAttributes", "CONFIRMED"},
		{policy.ActionVerifyEmail, []string{"email", "a@example.com", "email_verified", "true"}, "already verified", false, 0, "AdminUpdateUserAttributes", "CONFIRMED"},
		{policy.ActionVerifyPhone, []string{"phone_number", "+15555550100"}, "phone number as verified", false, 0, "AdminUpdateUserAttributes", "CONFIRMED"},
		{policy.ActionSignOut, nil, "Signed the user out", false, 0, "AdminUserGlobalSignOut", "CONFIRMED"},
	}
	for _, tc := range tests {
		t.Run(string(tc.action)+" "+tc.wantDetail, func(t *testing.T) {
			srv := fake(t, user("alice", tc.attrs...))
			c := client(t, srv, cognito.Options{})
			d := cognito.NewDirectory(c)
			res, err := d.Run(t.Context(), prod, approval.User{Username: "alice"}, tc.action)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(res.Detail, tc.wantDetail) || res.Password.Empty() == tc.wantSecret || res.ValidDays != tc.wantDays {
				t.Errorf("result = detail %q, secret set %v, valid %d days", res.Detail, !res.Password.Empty(), res.ValidDays)
			}
			if !uuidPattern.MatchString(res.AWSRequestID) {
				t.Errorf("AWSRequestID = %q, want Cognito's request id", res.AWSRequestID)
			}
			if srv.Calls(tc.wantOp) != 1 {
				t.Errorf("%s calls = %d, want 1", tc.wantOp, srv.Calls(tc.wantOp))
			}
			u, err := c.Lookup(t.Context(), prod, "alice")
			if err != nil {
				t.Fatal(err)
			}
			if u.Status != tc.wantStatus {
				t.Errorf("status = %s, want %s", u.Status, tc.wantStatus)
			}
			if tc.action == policy.ActionVerifyEmail && !u.EmailVerified || tc.action == policy.ActionVerifyPhone && !u.PhoneVerified {
				t.Errorf("contact not verified: %+v", u)
			}
			if tc.wantSecret {
				if _, err := newEndUser(t, srv).signIn("alice", res.Password.Reveal()); err != nil {
					t.Errorf("sign-in with the secret: %v", err)
				}
			}
		})
	}
}

func TestDirectoryRefuses(t *testing.T) {
	srv := fake(t, user("alice"))
	d := cognito.NewDirectory(client(t, srv, cognito.Options{}))
	for _, a := range []policy.Action{policy.ActionStatus, policy.ActionHistory, "delete-user"} {
		_, err := d.Run(t.Context(), prod, approval.User{Username: "alice"}, a)
		wantDomainCode(t, err, approval.EINVALID)
	}
	for _, a := range []policy.Action{policy.ActionVerifyEmail, policy.ActionVerifyPhone} {
		_, err := d.Run(t.Context(), prod, approval.User{Username: "alice"}, a)
		wantDomainCode(t, err, approval.EINVALID)
		if msg := approval.ErrorMessage(err); !strings.Contains(msg, "has no") {
			t.Errorf("%s of a user without the contact: %q", a, msg)
		}
	}
	for _, a := range []policy.Action{policy.ActionReset, policy.ActionTempPassword, policy.ActionPermanentPassword, policy.ActionVerifyEmail, policy.ActionSignOut} {
		_, err := d.Run(t.Context(), prod, approval.User{}, a)
		wantDomainCode(t, err, approval.EINVALID)
		_, err = d.Run(t.Context(), prod, approval.User{Username: "nobody"}, a)
		wantDomainCode(t, err, approval.ENOTFOUND)
	}
}

func TestDirectorySignOut(t *testing.T) {
	srv := fake(t, user("alice"))
	d := cognito.NewDirectory(client(t, srv, cognito.Options{}))
	res, err := d.SignOut(t.Context(), prod, "alice")
	if err != nil || res.AWSRequestID == "" || srv.Calls("AdminUserGlobalSignOut") != 1 {
		t.Fatalf("SignOut = %+v, %v", res, err)
	}
	_, err = d.SignOut(t.Context(), prod, "nobody")
	wantDomainCode(t, err, approval.ENOTFOUND)
}

func TestResetSaysWhereTheCodeWent(t *testing.T) {
	both := []string{"email", "a@example.com", "email_verified", "true", "phone_number", "+15555550100", "phone_number_verified", "true"}
	tests := []struct {
		name     string
		recovery []string
		fault    string // an operation failing after the reset
		want     string
	}{
		{"pool order: email first", []string{"verified_email", "verified_phone_number"}, "", "by email"},
		{"pool order: phone first", []string{"verified_phone_number", "verified_email"}, "", "by text message"},
		{"legacy order: SMS first", nil, "", "by text message"},
		{"user unreadable", nil, "AdminGetUser", "at their verified email or phone"},
		{"pool unreadable", nil, "DescribeUserPool", "at their verified email or phone"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := cognitotest.New()
			t.Cleanup(srv.Close)
			srv.MustLoad(t, cognitotest.Seed{Pools: []cognitotest.SeedPool{{ID: poolID, Name: "prod", AccountRecovery: tc.recovery, Users: []cognitotest.SeedUser{user("alice", both...)}}}})
			if tc.fault != "" {
				srv.Inject(cognitotest.Fault{Op: tc.fault, Code: "AccessDeniedException"})
			}
			res, err := client(t, srv, cognito.Options{}).ResetPassword(t.Context(), prod, "alice")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(res.Detail, tc.want) {
				t.Errorf("detail %q, want %q", res.Detail, tc.want)
			}
		})
	}
}

// A call Cognito answered with an error still reports its AWS request id, for the audit.
func TestDirectoryKeepsTheRequestIDOfAFailedCall(t *testing.T) {
	srv := fake(t, user("alice", "email", "alice@example.com", "email_verified", "false"))
	d := cognito.NewDirectory(client(t, srv, cognito.Options{}))
	res, err := d.Run(t.Context(), prod, approval.User{Username: "alice"}, policy.ActionReset)
	wantDomainCode(t, err, approval.ENOVERIFIEDCONTACT)
	if res.AWSRequestID == "" || !strings.Contains(err.Error(), res.AWSRequestID) {
		t.Errorf("failed reset: request id %q, error %v", res.AWSRequestID, err)
	}
	srv.Inject(cognitotest.Fault{Op: "AdminSetUserPassword", Code: "InvalidPasswordException"})
	res, err = d.Run(t.Context(), prod, approval.User{Username: "alice"}, policy.ActionTempPassword)
	wantDomainCode(t, err, approval.EPASSWORD)
	if res.AWSRequestID == "" || !res.Password.Empty() {
		t.Errorf("failed temporary password: request id %q, secret set %v", res.AWSRequestID, !res.Password.Empty())
	}
	res, err = d.Run(t.Context(), prod, approval.User{}, policy.ActionReset)
	wantDomainCode(t, err, approval.EINVALID)
	if res.AWSRequestID != "" {
		t.Errorf("a call refused before it left has request id %q", res.AWSRequestID)
	}
}

// A write that got no answer in time may have been applied: Directory.Run says so with
// approval.EUNKNOWN; a read that timed out is an ordinary failure.
func TestRunWithoutAnAnswerInTimeIsOutcomeUnknown(t *testing.T) {
	srv := fake(t, user("alice"))
	srv.SetLatency(time.Hour)
	t.Cleanup(srv.ClearFaults)
	dir := cognito.NewDirectory(client(t, srv, cognito.Options{CallTimeout: 20 * time.Millisecond, Retryer: aws.NopRetryer{}}))
	_, err := dir.Run(t.Context(), prod, approval.User{Username: "alice"}, policy.ActionVerifyEmail)
	wantDomainCode(t, err, approval.EUNKNOWN)
	if msg := approval.ErrorMessage(err); !strings.Contains(msg, "did not answer within 20ms") || !strings.Contains(msg, "may or may not have happened") {
		t.Errorf("message %q", msg)
	}
	_, err = dir.Lookup(t.Context(), prod, "alice")
	wantDomainCode(t, err, approval.EINTERNAL)
}

// A reset of the user a run has just looked up again says where the code went from what that
// lookup found: AdminGetUser is not called a second time. Named by username alone, the user is
// read after the reset.
func TestResetOfAUserLookedUpReadsThemNoMore(t *testing.T) {
	srv := fake(t, user("alice", "email", "alice@example.com", "email_verified", "true"))
	d := cognito.NewDirectory(client(t, srv, cognito.Options{}))
	u, err := d.Lookup(t.Context(), prod, "alice")
	if err != nil {
		t.Fatal(err)
	}
	reads := srv.Calls("AdminGetUser")
	res, err := d.Run(t.Context(), prod, u, policy.ActionReset)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Detail, "by email") {
		t.Errorf("detail %q, want the code sent by email", res.Detail)
	}
	if got := srv.Calls("AdminGetUser") - reads; got != 0 {
		t.Errorf("the reset of a user looked up read them %d more times, want 0", got)
	}
	if _, err := d.Run(t.Context(), prod, approval.User{Username: "alice"}, policy.ActionReset); err != nil {
		t.Fatal(err)
	}
	if got := srv.Calls("AdminGetUser") - reads; got != 1 {
		t.Errorf("the reset of a user named by username read them %d times, want 1", got)
	}
}
