package cognitotest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/resetbot/resetbot/cognito/cognitotest"
)

// backend is a Cognito the contract suite runs against.
type backend struct {
	name     string
	endpoint string
	// fake is set for our fake; it reads the codes Cognito would have sent.
	fake *cognitotest.Server
	// gaps names the behaviours the backend lacks, with the reason; their cases are skipped.
	gaps map[string]string
}

// cognitoLocalGaps are what cognito-local 5.3.0 does not implement or does differently from
// Cognito. Every other case of the suite runs against it.
var cognitoLocalGaps = map[string]string{
	"AdminResetUserPassword/ResetRequired":       "cognito-local does not implement AdminResetUserPassword",
	"AdminResetUserPassword/NoVerifiedContact":   "cognito-local does not implement AdminResetUserPassword",
	"AdminResetUserPassword/UserNotFound":        "cognito-local does not implement AdminResetUserPassword",
	"AdminResetUserPassword/ForceChangePassword": "cognito-local does not implement AdminResetUserPassword",
	"AdminUserGlobalSignOut/RevokesRefresh":      "cognito-local does not implement AdminUserGlobalSignOut",
	"PasswordPolicy/AdminSetUserPassword":        "cognito-local does not check the password policy",
	"PasswordPolicy/AdminCreateUser":             "cognito-local does not check the password policy",
	"PasswordPolicy/NewPasswordChallenge":        "cognito-local does not check the password policy",
	"PasswordPolicy/ConfirmForgotPassword":       "cognito-local does not check the password policy, and prints codes on its console only",
	"ConfirmForgotPassword/WithCode":             "cognito-local prints the codes it sends on its console only, where a test cannot read them",
	"ForgotPassword/MaskedDestination":           "cognito-local returns the address unmasked",
	"ForgotPassword/NoVerifiedContact":           "cognito-local sends codes to unverified addresses",
	"ForgotPassword/ForceChangePassword":         "cognito-local sends codes to users who never set a password",
	"ListUsers/Pagination":                       "cognito-local ignores Limit and returns every user in one page",
	"AdminListGroupsForUser/Pagination":          "cognito-local ignores Limit and returns every group in one page",
	"CreateGroup/GroupExists":                    "cognito-local overwrites an existing group",
	"SignIn/WrongPassword":                       "cognito-local answers InvalidPasswordException instead of NotAuthorizedException",
	"SignIn/WrongTemporaryPassword":              "cognito-local does not check a temporary password before the NEW_PASSWORD_REQUIRED challenge",
	"SignIn/DisabledUser":                        "cognito-local lets disabled users sign in",
	"SignIn/UnknownUser":                         "cognito-local answers NotAuthorizedException instead of UserNotFoundException for a LEGACY client",
	"SignIn/FlowNotEnabled":                      "cognito-local does not check the client's ExplicitAuthFlows",
	"AdminUpdateUserAttributes/UserNotFound":     "cognito-local answers NotAuthorizedException instead of UserNotFoundException",
	"RespondToAuthChallenge/InvalidSession":      "cognito-local does not check the challenge session",
	"AdminAddUserToGroup/GroupNotFound":          "cognito-local answers HTTP 500 with an empty body instead of ResourceNotFoundException",
	"AdminUpdateUserAttributes/VerifyAlone":      "cognito-local requires the address in the same call as *_verified; Cognito does not",
}

func (b *backend) skipGap(t *testing.T, behaviour string) {
	t.Helper()
	if why, ok := b.gaps[behaviour]; ok {
		t.Skipf("%s: %s", b.name, why)
	}
}

// backends returns the fake, and cognito-local when COGNITO_LOCAL_ENDPOINT names a running one.
// Without it the cognito-local run is skipped, or fails when CI=true.
func backends(t *testing.T) []*backend {
	t.Helper()
	fake := cognitotest.New()
	t.Cleanup(fake.Close)
	return []*backend{
		{name: "fake", endpoint: fake.URL(), fake: fake},
		{name: "cognito-local", endpoint: os.Getenv("COGNITO_LOCAL_ENDPOINT"), gaps: cognitoLocalGaps},
	}
}

func (b *backend) available(t *testing.T) {
	t.Helper()
	if b.endpoint != "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("COGNITO_LOCAL_ENDPOINT is not set: CI must hold the fake to cognito-local (scripts/test starts it)")
	}
	t.Skip("COGNITO_LOCAL_ENDPOINT is not set; scripts/test starts cognito-local and sets it")
}

// sdk is the real AWS SDK client for a backend, with dummy static credentials and no retries.
func sdk(endpoint string) *cip.Client {
	return cip.New(cip.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "not-a-secret", ""),
		Retryer:      aws.NopRetryer{},
	})
}

// env is one contract case's world: a fresh pool with an app client.
type env struct {
	t        *testing.T
	b        *backend
	ctx      context.Context
	api      *cip.Client
	poolID   string
	clientID string
}

const (
	minLength   = 10
	strongPass  = "Str0ng-Passw0rd!"
	strongPass2 = "An0ther-Passw0rd!"
)

var poolSeq atomic.Int64

func newEnv(t *testing.T, b *backend) *env {
	t.Helper()
	e := &env{t: t, b: b, ctx: t.Context(), api: sdk(b.endpoint)}
	pool, err := e.api.CreateUserPool(e.ctx, &cip.CreateUserPoolInput{
		PoolName: aws.String(fmt.Sprintf("contract-%d", poolSeq.Add(1))),
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{
			MinimumLength: aws.Int32(minLength), RequireUppercase: true, RequireLowercase: true,
			RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 5,
		}},
		AccountRecoverySetting: &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
			{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(1)},
			{Name: types.RecoveryOptionNameTypeVerifiedPhoneNumber, Priority: aws.Int32(2)},
		}},
	})
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	e.poolID = aws.ToString(pool.UserPool.Id)
	cl, err := e.api.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(e.poolID),
		ClientName: aws.String("contract"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		},
	})
	if err != nil {
		t.Fatalf("CreateUserPoolClient: %v", err)
	}
	e.clientID = aws.ToString(cl.UserPoolClient.ClientId)
	return e
}

// createUser creates a user with a verified email; with a password, it is set permanent.
func (e *env) createUser(username, password string, attrs ...string) {
	e.t.Helper()
	list := []types.AttributeType{
		{Name: aws.String("email"), Value: aws.String(username + "@example.com")},
		{Name: aws.String("email_verified"), Value: aws.String("true")},
	}
	for i := 0; i+1 < len(attrs); i += 2 {
		list = append(list, types.AttributeType{Name: aws.String(attrs[i]), Value: aws.String(attrs[i+1])})
	}
	_, err := e.api.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(e.poolID), Username: aws.String(username), UserAttributes: list,
		TemporaryPassword: aws.String("Tmp0rary-Pass!"), MessageAction: types.MessageActionTypeSuppress,
	})
	if err != nil {
		e.t.Fatalf("AdminCreateUser %s: %v", username, err)
	}
	if password != "" {
		e.setPassword(username, password, true)
	}
}

func (e *env) setPassword(username, password string, permanent bool) {
	e.t.Helper()
	_, err := e.api.AdminSetUserPassword(e.ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(e.poolID), Username: aws.String(username), Password: aws.String(password), Permanent: permanent,
	})
	if err != nil {
		e.t.Fatalf("AdminSetUserPassword %s: %v", username, err)
	}
}

func (e *env) getUser(username string) *cip.AdminGetUserOutput {
	e.t.Helper()
	out, err := e.api.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(e.poolID), Username: aws.String(username)})
	if err != nil {
		e.t.Fatalf("AdminGetUser %s: %v", username, err)
	}
	return out
}

func (e *env) signIn(username, password string) (*cip.InitiateAuthOutput, error) {
	return e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(e.clientID),
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password},
	})
}

func (e *env) mustSignIn(username, password string) *types.AuthenticationResultType {
	e.t.Helper()
	out, err := e.signIn(username, password)
	if err != nil {
		e.t.Fatalf("InitiateAuth %s: %v", username, err)
	}
	if out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.AccessToken) == "" {
		e.t.Fatalf("InitiateAuth %s: no tokens (challenge %q)", username, out.ChallengeName)
	}
	return out.AuthenticationResult
}

// code is the last code the backend sent the user; only the fake lets a test read it.
func (e *env) code(username string) string {
	e.t.Helper()
	if e.b.fake == nil {
		e.t.Fatalf("%s: codes are not readable", e.b.name)
	}
	c := e.b.fake.Code(e.poolID, username)
	if c == "" {
		e.t.Fatalf("no code was sent to %s", username)
	}
	return c
}

func attr(attrs []types.AttributeType, name string) string {
	for _, a := range attrs {
		if aws.ToString(a.Name) == name {
			return aws.ToString(a.Value)
		}
	}
	return ""
}

// wantAPIError checks err is the AWS error code, with a message containing msg.
func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v, want AWS error %s", err, code)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("error = %s %q, want %s containing %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}
