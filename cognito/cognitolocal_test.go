package cognito_test

import (
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/policy"
)

// TestAgainstCognitoLocal runs the adapter against cognito-local, a Cognito emulator that is
// not ours, for the actions cognito-local implements (it has no AdminResetUserPassword or
// AdminUserGlobalSignOut, and checks no password policy).
func TestAgainstCognitoLocal(t *testing.T) {
	endpoint := os.Getenv("COGNITO_LOCAL_ENDPOINT")
	if endpoint == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("COGNITO_LOCAL_ENDPOINT is not set: CI must run the adapter against cognito-local (scripts/test starts it)")
		}
		t.Skip("COGNITO_LOCAL_ENDPOINT is not set; scripts/test starts cognito-local and sets it")
	}
	ctx := t.Context()
	admin := cip.NewFromConfig(cfg(), func(o *cip.Options) { o.BaseEndpoint = aws.String(endpoint) })
	created, err := admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("adapter")})
	if err != nil {
		t.Fatal(err)
	}
	pool := policy.Pool{Name: "local", ID: aws.ToString(created.UserPool.Id)}
	if _, err := admin.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: created.UserPool.Id, GroupName: aws.String("support")}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: created.UserPool.Id, Username: aws.String("alice"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: aws.String("alice@example.com")},
			{Name: aws.String("email_verified"), Value: aws.String("false")},
		},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: created.UserPool.Id, Username: aws.String("alice"), GroupName: aws.String("support")}); err != nil {
		t.Fatal(err)
	}

	c := cognito.New(cfg(), cognito.Options{Endpoint: endpoint})
	if err := c.Preflight(ctx, pool); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"alice", "alice@example.com"} {
		u, err := c.Lookup(ctx, pool, ref)
		if err != nil {
			t.Fatalf("Lookup(%s): %v", ref, err)
		}
		if u.Username != "alice" || u.Sub == "" || u.EmailVerified || strings.Join(u.Groups, ",") != "support" {
			t.Errorf("Lookup(%s) = %+v", ref, u)
		}
		if sub, err := c.Lookup(ctx, pool, u.Sub); err != nil || sub.Username != "alice" {
			t.Errorf("Lookup(sub) = %+v, %v", sub, err)
		}
	}
	_, err = c.Lookup(ctx, pool, "nobody@example.com")
	wantCode(t, err, approval.ENOTFOUND)

	d := cognito.NewDirectory(c)
	if _, err := d.Run(ctx, pool, approval.User{Username: "alice"}, policy.ActionVerifyEmail); err != nil {
		t.Fatal(err)
	}
	res, err := d.Run(ctx, pool, approval.User{Username: "alice"}, policy.ActionTempPassword)
	if err != nil || res.Password.Empty() || res.ValidDays != 7 {
		t.Fatalf("temp-password = %+v, %v", res.ValidDays, err)
	}
	if _, err := d.Run(ctx, pool, approval.User{Username: "alice"}, policy.ActionPermanentPassword); err != nil {
		t.Fatal(err)
	}
	u, err := c.Lookup(ctx, pool, "alice")
	if err != nil || !u.EmailVerified || u.Status != "CONFIRMED" {
		t.Errorf("after verify-email and permanent-password: %+v, %v", u, err)
	}
	err = c.Preflight(ctx, policy.Pool{Name: "gone", ID: "local_Nosuchpool"})
	wantCode(t, err, approval.EPOOLNOTFOUND)
}
