package cognitotest_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/cognito/cognitotest"
)

// raw posts an AWS JSON 1.1 call without an SDK and returns the status, the error type and body.
func raw(t *testing.T, url, target, body string, header map[string]string) (int, string, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if target != "" {
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+target)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s answered %q: %v", target, data, err)
	}
	if resp.Header.Get("X-Amzn-Requestid") == "" {
		t.Errorf("%s: no x-amzn-RequestId header", target)
	}
	typ, _ := out["__type"].(string)
	if typ != "" && resp.Header.Get("X-Amzn-Errortype") != typ {
		t.Errorf("%s: X-Amzn-ErrorType %q, body __type %q", target, resp.Header.Get("X-Amzn-Errortype"), typ)
	}
	return resp.StatusCode, typ, out
}

const signed = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260301/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=00"

func TestWireProtocol(t *testing.T) {
	srv := seeded(t, []cognitotest.SeedUser{verifiedUser("alice")})
	auth := map[string]string{"Authorization": signed}
	tests := []struct {
		name, target, body string
		header             map[string]string
		wantStatus         int
		wantType           string
	}{
		{"no target", "", `{}`, auth, 400, "UnknownOperationException"},
		{"unknown operation", "DeleteUserPool", `{}`, auth, 400, "UnknownOperationException"},
		{"admin call unsigned", "AdminGetUser", `{"UserPoolId":"` + poolID + `","Username":"alice"}`, nil, 400, "MissingAuthenticationTokenException"},
		{"admin call with a bad scope", "AdminGetUser", `{"UserPoolId":"` + poolID + `","Username":"alice"}`,
			map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20260301/us-east-1/s3/aws4_request"}, 400, "MissingAuthenticationTokenException"},
		{"malformed JSON", "AdminGetUser", `{"UserPoolId":`, auth, 400, "SerializationException"},
		{"wrong JSON type", "AdminGetUser", `{"UserPoolId":7}`, auth, 400, "SerializationException"},
		{"empty body", "AdminGetUser", ``, auth, 400, "InvalidParameterException"},
		{"malformed pool id", "AdminGetUser", `{"UserPoolId":"nounderscore","Username":"alice"}`, auth, 400, "InvalidParameterException"},
		{"pool of another region", "AdminGetUser", `{"UserPoolId":"eu-west-1_Test1","Username":"alice"}`, auth, 400, "ResourceNotFoundException"},
		{"signed admin call", "AdminGetUser", `{"UserPoolId":"` + poolID + `","Username":"alice"}`, auth, 200, ""},
		{"unsigned public call", "ForgotPassword", `{"ClientId":"` + clientID + `","Username":"alice"}`, nil, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, typ, _ := raw(t, srv.URL(), tc.target, tc.body, tc.header)
			if status != tc.wantStatus || typ != tc.wantType {
				t.Errorf("got %d %q, want %d %q", status, typ, tc.wantStatus, tc.wantType)
			}
		})
	}
}

func TestGetIsRefused(t *testing.T) {
	srv := cognitotest.New()
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("GET / = %d, want 400", resp.StatusCode)
	}
}

// api is the SDK against the fake, signing for region, without retries unless given a retryer.
func api(srv *cognitotest.Server, region string) *cip.Client {
	return cip.New(cip.Options{
		Region: region, BaseEndpoint: aws.String(srv.URL()), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "not-a-secret", ""),
	})
}

func getUser(t *testing.T, c *cip.Client, username string) (*cip.AdminGetUserOutput, error) {
	t.Helper()
	return c.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(username)})
}

func TestRegionComesFromTheSignature(t *testing.T) {
	srv := seeded(t, []cognitotest.SeedUser{verifiedUser("alice")})
	_, err := getUser(t, api(srv, "eu-west-1"), "alice")
	wantAPIError(t, err, "ResourceNotFoundException", "User pool "+poolID+" does not exist.")
	if _, err := getUser(t, api(srv, "us-east-1"), "alice"); err != nil {
		t.Fatal(err)
	}
	pool, err := api(srv, "ap-south-1").CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("x")})
	if err != nil {
		t.Fatal(err)
	}
	if id := aws.ToString(pool.UserPool.Id); !strings.HasPrefix(id, "ap-south-1_") {
		t.Errorf("pool id %s, want it in ap-south-1", id)
	}
}

func TestFaults(t *testing.T) {
	srv := seeded(t, []cognitotest.SeedUser{verifiedUser("alice")})
	c := api(srv, "us-east-1")
	codeOf := func() string {
		t.Helper()
		_, err := getUser(t, c, "alice")
		if err == nil {
			return ""
		}
		var ae interface{ ErrorCode() string }
		if !errors.As(err, &ae) {
			t.Fatalf("not an AWS error: %v", err)
		}
		return ae.ErrorCode()
	}
	srv.Throttle(2)
	srv.FailInternal(1)
	srv.Inject(cognitotest.Fault{Op: "DescribeUserPool", Code: "AccessDeniedException", Times: 1})
	var got []string
	for range 4 {
		got = append(got, codeOf())
	}
	if diff := cmp.Diff([]string{"TooManyRequestsException", "TooManyRequestsException", "InternalErrorException", ""}, got); diff != "" {
		t.Errorf("AdminGetUser errors (-want +got):\n%s", diff)
	}
	_, err := c.DescribeUserPool(t.Context(), &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})
	wantAPIError(t, err, "AccessDeniedException", "")
	if got := srv.Calls("AdminGetUser"); got != 4 {
		t.Errorf("Calls(AdminGetUser) = %d, want 4", got)
	}

	srv.Inject(cognitotest.Fault{Op: "AdminGetUser", Code: "LimitExceededException"})
	for range 3 {
		if got := codeOf(); got != "LimitExceededException" {
			t.Fatalf("with a standing fault: %q", got)
		}
	}
	srv.ClearFaults()
	if got := codeOf(); got != "" {
		t.Errorf("after ClearFaults: %q", got)
	}
}

func TestLatencyHoldsUntilTheClientGivesUp(t *testing.T) {
	srv := seeded(t, []cognitotest.SeedUser{verifiedUser("alice")})
	srv.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := api(srv, "us-east-1").AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String("alice")})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
	srv.ClearFaults()
	if _, err := getUser(t, api(srv, "us-east-1"), "alice"); err != nil {
		t.Fatal(err)
	}
}

func TestLatencyDelaysAnswers(t *testing.T) {
	srv := seeded(t, []cognitotest.SeedUser{verifiedUser("alice")})
	srv.SetLatency(time.Millisecond)
	if _, err := getUser(t, api(srv, "us-east-1"), "alice"); err != nil {
		t.Fatal(err)
	}
}

func TestTemporaryPasswordExpires(t *testing.T) {
	clk := newClock()
	srv := seeded(t, []cognitotest.SeedUser{verifiedUser("alice")}, cognitotest.WithClock(clk.Now))
	c := api(srv, "us-east-1")
	e := &env{t: t, ctx: t.Context(), api: c, poolID: poolID, clientID: clientID}
	e.setPassword("alice", strongPass2, false)
	clk.Advance(7*24*time.Hour - time.Minute)
	if out, err := e.signIn("alice", strongPass2); err != nil || out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("before expiry: %v %v", out, err)
	}
	clk.Advance(2 * time.Minute)
	_, err := e.signIn("alice", strongPass2)
	wantAPIError(t, err, "NotAuthorizedException", "Temporary password has expired and must be reset by an administrator.")
}

func TestChallengeSessionExpires(t *testing.T) {
	clk := newClock()
	srv := seeded(t, []cognitotest.SeedUser{verifiedUser("alice")}, cognitotest.WithClock(clk.Now))
	e := &env{t: t, ctx: t.Context(), api: api(srv, "us-east-1"), poolID: poolID, clientID: clientID}
	e.setPassword("alice", strongPass2, false)
	out, err := e.signIn("alice", strongPass2)
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(3 * time.Minute)
	respond := func(username string) error {
		_, err := e.api.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{
			ClientId: aws.String(clientID), ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: out.Session,
			ChallengeResponses: map[string]string{"USERNAME": username, "NEW_PASSWORD": strongPass},
		})
		return err
	}
	wantAPIError(t, respond("alice"), "NotAuthorizedException", "Invalid session for the user, session is expired.")

	out, err = e.signIn("alice", strongPass2)
	if err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, respond("bob"), "NotAuthorizedException", "Invalid session for the user.")
	if err := respond("alice"); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, respond("alice"), "NotAuthorizedException", "Invalid session for the user.")
}

func TestResetCode(t *testing.T) {
	clk := newClock()
	srv := seeded(t, []cognitotest.SeedUser{verifiedUser("alice")}, cognitotest.WithClock(clk.Now))
	e := &env{t: t, ctx: t.Context(), api: api(srv, "us-east-1"), poolID: poolID, clientID: clientID, b: &backend{fake: srv}}
	confirm := func(code string) error {
		_, err := e.api.ConfirmForgotPassword(e.ctx, &cip.ConfirmForgotPasswordInput{
			ClientId: aws.String(clientID), Username: aws.String("alice"), ConfirmationCode: aws.String(code), Password: aws.String(strongPass2),
		})
		return err
	}
	wantAPIError(t, confirm("123456"), "ExpiredCodeException", "")

	if _, err := e.api.AdminResetUserPassword(e.ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	wantAPIError(t, confirm(e.code("alice")), "ExpiredCodeException", "Invalid code provided, please request a code again.")

	if _, err := e.api.ForgotPassword(e.ctx, &cip.ForgotPasswordInput{ClientId: aws.String(clientID), Username: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		wantAPIError(t, confirm("000000x"), "CodeMismatchException", "")
	}
	wantAPIError(t, confirm(e.code("alice")), "LimitExceededException", "")

	if _, err := e.api.ForgotPassword(e.ctx, &cip.ForgotPasswordInput{ClientId: aws.String(clientID), Username: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	code := e.code("alice")
	if err := confirm(code); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, confirm(code), "ExpiredCodeException", "")
	e.mustSignIn("alice", strongPass2)
	sent := srv.Sent(poolID, "alice")
	if len(sent) != 3 || sent[0].Trigger != "AdminResetUserPassword" || sent[1].Trigger != "ForgotPassword" ||
		sent[0].Medium != "EMAIL" || sent[0].Destination != "alice@example.com" || !sent[0].At.Equal(newClock().Now()) {
		t.Errorf("Sent = %+v", sent)
	}
}

func TestResetRules(t *testing.T) {
	disabled := verifiedUser("dora")
	disabled.Disabled = true
	phoneOnly := cognitotest.SeedUser{Username: "pat", Password: strongPass, Attributes: map[string]string{
		"email": "pat@example.com", "phone_number": "+15555550123", "phone_number_verified": "true",
	}}
	srv := seeded(t, []cognitotest.SeedUser{disabled, phoneOnly})
	c := api(srv, "us-east-1")
	_, err := c.AdminResetUserPassword(t.Context(), &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String("dora")})
	wantAPIError(t, err, "NotAuthorizedException", "User is disabled.")
	if _, err := c.AdminResetUserPassword(t.Context(), &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String("pat")}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Sent(poolID, "pat"); len(got) != 1 || got[0].Medium != "SMS" || got[0].Destination != "+15555550123" {
		t.Errorf("Sent = %+v, want one SMS", got)
	}
	out, err := c.ForgotPassword(t.Context(), &cip.ForgotPasswordInput{ClientId: aws.String(clientID), Username: aws.String("pat")})
	if err != nil {
		t.Fatal(err)
	}
	if d := out.CodeDeliveryDetails; aws.ToString(d.Destination) != "+*******0123" || d.DeliveryMedium != types.DeliveryMediumTypeSms {
		t.Errorf("CodeDeliveryDetails = %s %s", aws.ToString(d.Destination), d.DeliveryMedium)
	}
	_, err = c.ForgotPassword(t.Context(), &cip.ForgotPasswordInput{ClientId: aws.String(clientID), Username: aws.String("dora")})
	wantAPIError(t, err, "NotAuthorizedException", "User is disabled.")
}

func TestLegacyRecoveryPrefersSMS(t *testing.T) {
	srv := cognitotest.New()
	t.Cleanup(srv.Close)
	srv.MustLoad(t, cognitotest.Seed{Pools: []cognitotest.SeedPool{{ID: poolID, Name: "legacy", Users: []cognitotest.SeedUser{{
		Username: "alice", Password: strongPass, Attributes: map[string]string{
			"email": "alice@example.com", "email_verified": "true", "phone_number": "+15555550100", "phone_number_verified": "true",
		},
	}}}}})
	if _, err := api(srv, "us-east-1").AdminResetUserPassword(t.Context(), &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Sent(poolID, "alice"); len(got) != 1 || got[0].Medium != "SMS" {
		t.Errorf("Sent = %+v, want the code by SMS", got)
	}
}

func TestAdminCreateUserInvitation(t *testing.T) {
	var delivered []cognitotest.Message
	srv := cognitotest.New(cognitotest.WithOnMessage(func(m cognitotest.Message) { delivered = append(delivered, m) }))
	t.Cleanup(srv.Close)
	srv.MustLoad(t, cognitotest.Seed{Pools: []cognitotest.SeedPool{{ID: poolID, Name: "p", Clients: []cognitotest.SeedClient{{ID: clientID, Name: "web"}}}}})
	c := api(srv, "us-east-1")
	create := func(action types.MessageActionType, mediums ...types.DeliveryMediumType) error {
		_, err := c.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{
			UserPoolId: aws.String(poolID), Username: aws.String("alice"), MessageAction: action, DesiredDeliveryMediums: mediums,
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("alice@example.com")}},
		})
		return err
	}
	wantAPIError(t, create(""), "InvalidParameterException", "User has no attribute matching desired delivery mediums")
	wantAPIError(t, create(types.MessageActionTypeResend, types.DeliveryMediumTypeEmail), "UserNotFoundException", "")
	if err := create("", types.DeliveryMediumTypeEmail); err != nil {
		t.Fatal(err)
	}
	if err := create(types.MessageActionTypeResend, types.DeliveryMediumTypeEmail); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, create("BOGUS"), "InvalidParameterException", "messageAction")
	if len(delivered) != 2 || delivered[0].Trigger != "AdminCreateUser" || delivered[0].Code == delivered[1].Code {
		t.Fatalf("delivered = %+v, want two invitations with different passwords", delivered)
	}
	e := &env{t: t, ctx: t.Context(), api: c, poolID: poolID, clientID: clientID}
	_, err := e.signIn("alice", delivered[0].Code)
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if out, err := e.signIn("alice", srv.Code(poolID, "alice")); err != nil || out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("sign-in with the resent password: %v %v", out, err)
	}
	e.setPassword("alice", strongPass, true)
	wantAPIError(t, create(types.MessageActionTypeResend, types.DeliveryMediumTypeEmail), "UnsupportedUserStateException", "")
}

func TestUsernameAttributesPool(t *testing.T) {
	srv := cognitotest.New()
	t.Cleanup(srv.Close)
	c := api(srv, "us-east-1")
	pool, err := c.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{
		PoolName: aws.String("by-email"), UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
		UsernameConfiguration: &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)},
	})
	if err != nil {
		t.Fatal(err)
	}
	id := pool.UserPool.Id
	_, err = c.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{UserPoolId: id, Username: aws.String("alice"), MessageAction: types.MessageActionTypeSuppress})
	wantAPIError(t, err, "InvalidParameterException", "Username should be either an email or a phone number.")
	created, err := c.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{UserPoolId: id, Username: aws.String("Alice@Example.com"), MessageAction: types.MessageActionTypeSuppress})
	if err != nil {
		t.Fatal(err)
	}
	username := aws.ToString(created.User.Username)
	if username == "Alice@Example.com" || attr(created.User.Attributes, "sub") != username {
		t.Errorf("username %s, attributes %v: want the sub as username", username, created.User.Attributes)
	}
	got, err := c.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: id, Username: aws.String("alice@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Username) != username {
		t.Errorf("AdminGetUser by email = %s, want %s", aws.ToString(got.Username), username)
	}
	_, err = c.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{UserPoolId: id, Username: aws.String("alice@example.com"), MessageAction: types.MessageActionTypeSuppress})
	wantAPIError(t, err, "UsernameExistsException", "")
}

func TestSecretHash(t *testing.T) {
	srv := cognitotest.New()
	t.Cleanup(srv.Close)
	srv.MustLoad(t, cognitotest.Seed{Pools: []cognitotest.SeedPool{{
		ID: poolID, Name: "p", Clients: []cognitotest.SeedClient{{ID: clientID, Name: "server", Secret: "s3cret"}},
		Users: []cognitotest.SeedUser{verifiedUser("alice")},
	}}})
	e := &env{t: t, ctx: t.Context(), api: api(srv, "us-east-1"), poolID: poolID, clientID: clientID}
	_, err := e.signIn("alice", strongPass)
	wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+clientID)
	_, err = e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(clientID),
		AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": strongPass, "SECRET_HASH": secretHash("s3cret", "alice", clientID)},
	})
	if err != nil {
		t.Fatalf("with SECRET_HASH: %v", err)
	}
}

func TestPreventUserExistenceErrors(t *testing.T) {
	srv := cognitotest.New()
	t.Cleanup(srv.Close)
	srv.MustLoad(t, cognitotest.Seed{Pools: []cognitotest.SeedPool{{
		ID: poolID, Name: "p", AccountRecovery: []string{"verified_email"},
		Clients: []cognitotest.SeedClient{{ID: clientID, Name: "web", PreventUserExistenceErrors: "ENABLED"}},
	}}})
	e := &env{t: t, ctx: t.Context(), api: api(srv, "us-east-1"), poolID: poolID, clientID: clientID}
	_, err := e.signIn("nobody", strongPass)
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if _, err := e.api.ForgotPassword(e.ctx, &cip.ForgotPasswordInput{ClientId: aws.String(clientID), Username: aws.String("nobody")}); err != nil {
		t.Errorf("ForgotPassword for nobody: %v, want a pretend delivery", err)
	}
	_, err = e.api.ConfirmForgotPassword(e.ctx, &cip.ConfirmForgotPasswordInput{
		ClientId: aws.String(clientID), Username: aws.String("nobody"), ConfirmationCode: aws.String("123456"), Password: aws.String(strongPass),
	})
	wantAPIError(t, err, "CodeMismatchException", "")
}

func TestValidation(t *testing.T) {
	srv := seeded(t, []cognitotest.SeedUser{verifiedUser("alice")})
	c := api(srv, "us-east-1")
	ctx := t.Context()
	pid := aws.String(poolID)
	tests := []struct {
		name string
		call func() error
		code string
	}{
		{"ListUsers limit over 60", func() error {
			_, err := c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: pid, Limit: aws.Int32(61)})
			return err
		}, "InvalidParameterException"},
		{"ListUsers bad token", func() error {
			_, err := c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: pid, PaginationToken: aws.String("%%%")})
			return err
		}, "InvalidParameterException"},
		{"update sub", func() error {
			_, err := c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: pid, Username: aws.String("alice"),
				UserAttributes: []types.AttributeType{{Name: aws.String("sub"), Value: aws.String("x")}}})
			return err
		}, "InvalidParameterException"},
		{"unknown attribute", func() error {
			_, err := c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: pid, Username: aws.String("alice"),
				UserAttributes: []types.AttributeType{{Name: aws.String("shoe_size"), Value: aws.String("9")}}})
			return err
		}, "InvalidParameterException"},
		{"verified must be boolean", func() error {
			_, err := c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: pid, Username: aws.String("alice"),
				UserAttributes: []types.AttributeType{{Name: aws.String("email_verified"), Value: aws.String("yes")}}})
			return err
		}, "InvalidParameterException"},
		{"custom attribute", func() error {
			_, err := c.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: pid, Username: aws.String("alice"),
				UserAttributes: []types.AttributeType{{Name: aws.String("custom:team"), Value: aws.String("blue")}}})
			return err
		}, ""},
		{"password with a leading space", func() error {
			_, err := c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: pid, Username: aws.String("alice"), Password: aws.String(" " + strongPass)})
			return err
		}, "InvalidParameterException"},
		{"password with an inner space counts it a symbol", func() error {
			_, err := c.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: pid, Username: aws.String("alice"), Password: aws.String("Correct horse 1")})
			return err
		}, ""},
		{"policy too short", func() error {
			_, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("x"), Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(5)}}})
			return err
		}, "InvalidParameterException"},
		{"bad recovery", func() error {
			_, err := c.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("x"), AccountRecoverySetting: &types.AccountRecoverySettingType{
				RecoveryMechanisms: []types.RecoveryOptionType{{Name: "carrier_pigeon", Priority: aws.Int32(1)}}}})
			return err
		}, "InvalidParameterException"},
		{"client session too long", func() error {
			_, err := c.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: pid, ClientName: aws.String("x"), AuthSessionValidity: aws.Int32(16)})
			return err
		}, "InvalidParameterException"},
		{"unknown auth flow", func() error {
			_, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserSrpAuth})
			return err
		}, "InvalidParameterException"},
		{"missing password", func() error {
			_, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth, AuthParameters: map[string]string{"USERNAME": "alice"}})
			return err
		}, "InvalidParameterException"},
		{"unknown refresh token", func() error {
			_, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeRefreshTokenAuth, AuthParameters: map[string]string{"REFRESH_TOKEN": "x"}})
			return err
		}, "NotAuthorizedException"},
		{"group of unknown user", func() error {
			_, err := c.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: pid, Username: aws.String("nobody")})
			return err
		}, "UserNotFoundException"},
		{"enable user", func() error {
			_, err := c.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: pid, Username: aws.String("alice")})
			return err
		}, ""},
		{"other challenge", func() error {
			_, err := c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(clientID), ChallengeName: types.ChallengeNameTypeSmsMfa})
			return err
		}, "InvalidParameterException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if tc.code == "" {
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
				return
			}
			wantAPIError(t, err, tc.code, "")
		})
	}
}

// secretHash is SECRET_HASH as Cognito's developer guide defines it:
// Base64(HMAC-SHA256(key = client secret, message = username + client id)).
func secretHash(secret, username, clientID string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(username + clientID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// TestListUsersAttributesToGet: without AttributesToGet every attribute comes back; with it,
// only those named, so an empty list names none.
func TestListUsersAttributesToGet(t *testing.T) {
	srv := seeded(t, []cognitotest.SeedUser{verifiedUser("alice")})
	c := api(srv, "us-east-1")
	for _, tc := range []struct {
		name string
		get  []string
		want []string
	}{
		{"not given", nil, []string{"email", "email_verified", "sub"}},
		{"some", []string{"email"}, []string{"email"}},
		{"empty", []string{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: aws.String(poolID), AttributesToGet: tc.get})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Users) != 1 {
				t.Fatalf("%d users, want alice", len(out.Users))
			}
			var got []string
			for _, a := range out.Users[0].Attributes {
				got = append(got, aws.ToString(a.Name))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("attributes (-want +got):\n%s", diff)
			}
		})
	}
}

// TestListUsersLimit: Limit goes from 0 to 60, and the error names the bound broken.
func TestListUsersLimit(t *testing.T) {
	srv := seeded(t, []cognitotest.SeedUser{verifiedUser("alice")})
	c := api(srv, "us-east-1")
	for limit, want := range map[int32]string{
		-1: "Member must have value greater than or equal to 0",
		61: "Member must have value less than or equal to 60",
	} {
		_, err := c.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: aws.String(poolID), Limit: aws.Int32(limit)})
		wantAPIError(t, err, "InvalidParameterException", want)
	}
	for _, limit := range []int32{0, 1, 60} {
		if _, err := c.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: aws.String(poolID), Limit: aws.Int32(limit)}); err != nil {
			t.Errorf("Limit %d: %v", limit, err)
		}
	}
}
