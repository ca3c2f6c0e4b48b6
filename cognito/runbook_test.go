package cognito_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito"
)

// The support runbook, end to end: the bot acts through the adapter, the user through the SDK.

func TestRunbookReset(t *testing.T) {
	srv := fake(t, user("alice", "email", "alice@example.com", "email_verified", "true"))
	c := client(t, srv, cognito.Options{})
	res, err := c.ResetPassword(t.Context(), prod, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Detail, "by email") || res.RequestID == "" {
		t.Errorf("result = %+v, want the code sent by email and a request id", res)
	}
	u := newEndUser(t, srv)
	_, err = u.signIn("alice", oldPassword)
	var reset *types.PasswordResetRequiredException
	if !errors.As(err, &reset) {
		t.Fatalf("sign-in after the reset: %v, want PasswordResetRequiredException", err)
	}
	if _, err := u.api.ConfirmForgotPassword(t.Context(), &cip.ConfirmForgotPasswordInput{
		ClientId: aws.String(clientID), Username: aws.String("alice"),
		ConfirmationCode: aws.String(srv.Code(poolID, "alice")), Password: aws.String(newPassword),
	}); err != nil {
		t.Fatal(err)
	}
	u.mustSignIn("alice", newPassword)
	if got, err := c.Lookup(t.Context(), prod, "alice"); err != nil || got.Status != "CONFIRMED" {
		t.Errorf("after confirming: %+v, %v", got, err)
	}
}

func TestRunbookTemporaryPassword(t *testing.T) {
	srv := fake(t, user("alice"))
	c := client(t, srv, cognito.Options{})
	res, err := c.SetTemporaryPassword(t.Context(), prod, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if res.ValidDays != 3 || !strings.Contains(res.Detail, "3 days") || res.RequestID == "" {
		t.Errorf("result = %+v, want valid 3 days (the pool's) and a request id", res)
	}
	if got, _ := c.Lookup(t.Context(), prod, "alice"); got.Status != "FORCE_CHANGE_PASSWORD" {
		t.Errorf("status = %s, want FORCE_CHANGE_PASSWORD", got.Status)
	}
	u := newEndUser(t, srv)
	out, err := u.signIn("alice", res.Password.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("challenge = %q, want NEW_PASSWORD_REQUIRED", out.ChallengeName)
	}
	if _, err := u.api.RespondToAuthChallenge(t.Context(), &cip.RespondToAuthChallengeInput{
		ClientId: aws.String(clientID), ChallengeName: out.ChallengeName, Session: out.Session,
		ChallengeResponses: map[string]string{"USERNAME": "alice", "NEW_PASSWORD": newPassword},
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Lookup(t.Context(), prod, "alice"); got.Status != "CONFIRMED" {
		t.Errorf("status = %s, want CONFIRMED", got.Status)
	}
	u.mustSignIn("alice", newPassword)
}

func TestRunbookNoVerifiedContact(t *testing.T) {
	srv := fake(t, user("alice", "email", "alice@example.com", "email_verified", "false"))
	c := client(t, srv, cognito.Options{})
	_, err := c.ResetPassword(t.Context(), prod, "alice")
	e := wantCode(t, err, approval.ENOVERIFIEDCONTACT)
	if !strings.Contains(e.Message, "no verified email or phone") || e.AWSCode != "InvalidParameterException" || e.RequestID == "" || e.Op != "AdminResetUserPassword" {
		t.Errorf("error = %+v", e)
	}
	if got := srv.Calls("AdminResetUserPassword"); got != 1 {
		t.Errorf("AdminResetUserPassword calls = %d, want 1 (not retried)", got)
	}
	if _, err := c.VerifyContact(t.Context(), prod, "alice", cognito.ContactEmail); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ResetPassword(t.Context(), prod, "alice"); err != nil {
		t.Fatalf("reset after verifying the email: %v", err)
	}
	if sent := srv.Sent(poolID, "alice"); len(sent) != 1 || sent[0].Destination != "alice@example.com" {
		t.Errorf("sent = %+v", sent)
	}
}

func TestRunbookPermanentPasswordAndSignOut(t *testing.T) {
	srv := fake(t, user("alice", "email", "alice@example.com", "email_verified", "true"))
	c := client(t, srv, cognito.Options{})
	u := newEndUser(t, srv)
	tokens := u.mustSignIn("alice", oldPassword)

	res, err := c.SetPermanentPassword(t.Context(), prod, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if res.ValidDays != 0 || len(res.Password.Reveal()) != 20 {
		t.Errorf("result = %+v, want a 20-character permanent password", res)
	}
	u.mustSignIn("alice", res.Password.Reveal())

	if _, err := c.GlobalSignOut(t.Context(), prod, "alice"); err != nil {
		t.Fatal(err)
	}
	_, err = u.api.InitiateAuth(t.Context(), &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(clientID),
		AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(tokens.RefreshToken)},
	})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "NotAuthorizedException" {
		t.Errorf("refresh after the sign-out: %v, want NotAuthorizedException", err)
	}
}

// TestRunbookResetOfAUserWhoNeverChoseAPassword: Cognito refuses to reset a user still on
// the temporary password they were invited with; a new temporary password is the remedy.
func TestRunbookResetOfAUserWhoNeverChoseAPassword(t *testing.T) {
	invited := user("alice", "email", "alice@example.com", "email_verified", "true")
	invited.Status = "FORCE_CHANGE_PASSWORD"
	srv := fake(t, invited)
	c := client(t, srv, cognito.Options{})
	_, err := c.ResetPassword(t.Context(), prod, "alice")
	e := wantCode(t, err, approval.EINVALID)
	if !strings.Contains(e.Message, "new temporary password instead") || e.AWSCode != "NotAuthorizedException" {
		t.Errorf("error = %+v", e)
	}
	if sent := srv.Sent(poolID, "alice"); len(sent) != 0 {
		t.Errorf("sent = %+v, want no code", sent)
	}
	if got, err := c.Lookup(t.Context(), prod, "alice"); err != nil || got.Status != "FORCE_CHANGE_PASSWORD" {
		t.Errorf("after the refused reset: %+v, %v", got, err)
	}
	res, err := c.SetTemporaryPassword(t.Context(), prod, "alice")
	if err != nil {
		t.Fatal(err)
	}
	out, err := newEndUser(t, srv).signIn("alice", res.Password.Reveal())
	if err != nil || out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Errorf("sign-in with the new temporary password: %v, %v", out, err)
	}
}
