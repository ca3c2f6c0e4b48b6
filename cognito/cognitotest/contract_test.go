package cognitotest_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/go-cmp/cmp"
)

// TestContract holds the fake to cognito-local: every case runs against both, except the
// behaviours cognito-local lacks (cognitoLocalGaps), which follow Cognito's API reference.
func TestContract(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			b.available(t)
			for _, c := range contractCases {
				t.Run(c.name, func(t *testing.T) {
					b.skipGap(t, c.name)
					c.run(t, newEnv(t, b))
				})
			}
		})
	}
}

var contractCases = []struct {
	name string
	run  func(t *testing.T, e *env)
}{
	{"DescribeUserPool/PasswordPolicyAndRecovery", func(t *testing.T, e *env) {
		out, err := e.api.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(e.poolID)})
		if err != nil {
			t.Fatal(err)
		}
		pp := out.UserPool.Policies.PasswordPolicy
		got := fmt.Sprint(aws.ToInt32(pp.MinimumLength), pp.RequireUppercase, pp.RequireLowercase, pp.RequireNumbers, pp.RequireSymbols, pp.TemporaryPasswordValidityDays)
		if want := fmt.Sprint(minLength, true, true, true, true, 5); got != want {
			t.Errorf("PasswordPolicy = %s, want %s", got, want)
		}
		var mech []string
		for _, m := range out.UserPool.AccountRecoverySetting.RecoveryMechanisms {
			mech = append(mech, fmt.Sprintf("%s:%d", m.Name, aws.ToInt32(m.Priority)))
		}
		if diff := cmp.Diff([]string{"verified_email:1", "verified_phone_number:2"}, mech); diff != "" {
			t.Errorf("RecoveryMechanisms (-want +got):\n%s", diff)
		}
		if aws.ToString(out.UserPool.Id) != e.poolID {
			t.Errorf("Id = %s, want %s", aws.ToString(out.UserPool.Id), e.poolID)
		}
	}},
	{"DescribeUserPool/UnknownPool", func(t *testing.T, e *env) {
		region, _, _ := strings.Cut(e.poolID, "_")
		_, err := e.api.DescribeUserPool(e.ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(region + "_Nosuchpool")})
		wantAPIError(t, err, "ResourceNotFoundException", "")
	}},
	{"AdminCreateUser/ForceChangePassword", func(t *testing.T, e *env) {
		e.createUser("alice", "")
		u := e.getUser("alice")
		if u.UserStatus != types.UserStatusTypeForceChangePassword || !u.Enabled {
			t.Errorf("status %s enabled %v, want FORCE_CHANGE_PASSWORD and enabled", u.UserStatus, u.Enabled)
		}
		if attr(u.UserAttributes, "sub") == "" || attr(u.UserAttributes, "email") != "alice@example.com" {
			t.Errorf("attributes = %v, want a sub and the email", u.UserAttributes)
		}
	}},
	{"AdminCreateUser/UsernameExists", func(t *testing.T, e *env) {
		e.createUser("alice", "")
		_, err := e.api.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{
			UserPoolId: aws.String(e.poolID), Username: aws.String("alice"), MessageAction: types.MessageActionTypeSuppress,
		})
		wantAPIError(t, err, "UsernameExistsException", "")
	}},
	{"AdminGetUser/UserNotFound", func(t *testing.T, e *env) {
		_, err := e.api.AdminGetUser(e.ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(e.poolID), Username: aws.String("nobody")})
		wantAPIError(t, err, "UserNotFoundException", "")
	}},
	{"AdminGetUser/BySub", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass)
		sub := attr(e.getUser("alice").UserAttributes, "sub")
		if got := aws.ToString(e.getUser(sub).Username); got != "alice" {
			t.Errorf("AdminGetUser(sub).Username = %q, want alice", got)
		}
	}},
	{"ListUsers/Filter", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass)
		e.createUser("albert", strongPass)
		e.createUser("bob", strongPass)
		sub := attr(e.getUser("bob").UserAttributes, "sub")
		for _, tc := range []struct {
			filter string
			want   []string
		}{
			{`email = "alice@example.com"`, []string{"alice"}},
			{`email = "nobody@example.com"`, nil},
			{`username ^= "al"`, []string{"albert", "alice"}},
			{`sub = "` + sub + `"`, []string{"bob"}},
			{``, []string{"albert", "alice", "bob"}},
		} {
			out, err := e.api.ListUsers(e.ctx, &cip.ListUsersInput{UserPoolId: aws.String(e.poolID), Filter: aws.String(tc.filter)})
			if err != nil {
				t.Fatalf("ListUsers %q: %v", tc.filter, err)
			}
			var got []string
			for _, u := range out.Users {
				got = append(got, aws.ToString(u.Username))
			}
			slices.Sort(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ListUsers %q (-want +got):\n%s", tc.filter, diff)
			}
		}
	}},
	{"ListUsers/InvalidFilter", func(t *testing.T, e *env) {
		_, err := e.api.ListUsers(e.ctx, &cip.ListUsersInput{UserPoolId: aws.String(e.poolID), Filter: aws.String(`email is alice`)})
		wantAPIError(t, err, "InvalidParameterException", "")
	}},
	{"ListUsers/Pagination", func(t *testing.T, e *env) {
		var want []string
		for i := range 5 {
			name := fmt.Sprintf("user%d", i)
			e.createUser(name, "")
			want = append(want, name)
		}
		var got []string
		pages := 0
		p := cip.NewListUsersPaginator(e.api, &cip.ListUsersInput{UserPoolId: aws.String(e.poolID), Limit: aws.Int32(2)})
		for p.HasMorePages() {
			out, err := p.NextPage(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, u := range out.Users {
				got = append(got, aws.ToString(u.Username))
			}
		}
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" || pages != 3 {
			t.Errorf("%d pages, users (-want +got):\n%s", pages, diff)
		}
	}},
	{"Groups/AddAndList", func(t *testing.T, e *env) {
		e.createUser("alice", "")
		for _, g := range []string{"support", "admins"} {
			if _, err := e.api.CreateGroup(e.ctx, &cip.CreateGroupInput{UserPoolId: aws.String(e.poolID), GroupName: aws.String(g)}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.api.AdminAddUserToGroup(e.ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(e.poolID), Username: aws.String("alice"), GroupName: aws.String(g)}); err != nil {
				t.Fatal(err)
			}
		}
		out, err := e.api.AdminListGroupsForUser(e.ctx, &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(e.poolID), Username: aws.String("alice")})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, g := range out.Groups {
			got = append(got, aws.ToString(g.GroupName))
		}
		slices.Sort(got)
		if diff := cmp.Diff([]string{"admins", "support"}, got); diff != "" {
			t.Errorf("groups (-want +got):\n%s", diff)
		}
	}},
	{"AdminListGroupsForUser/Pagination", func(t *testing.T, e *env) {
		e.createUser("alice", "")
		for i := range 3 {
			g := aws.String(fmt.Sprintf("g%d", i))
			if _, err := e.api.CreateGroup(e.ctx, &cip.CreateGroupInput{UserPoolId: aws.String(e.poolID), GroupName: g}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.api.AdminAddUserToGroup(e.ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(e.poolID), Username: aws.String("alice"), GroupName: g}); err != nil {
				t.Fatal(err)
			}
		}
		first, err := e.api.AdminListGroupsForUser(e.ctx, &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(e.poolID), Username: aws.String("alice"), Limit: aws.Int32(2)})
		if err != nil {
			t.Fatal(err)
		}
		if len(first.Groups) != 2 || first.NextToken == nil {
			t.Fatalf("first page: %d groups, next token %v; want 2 and a token", len(first.Groups), first.NextToken)
		}
		second, err := e.api.AdminListGroupsForUser(e.ctx, &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(e.poolID), Username: aws.String("alice"), Limit: aws.Int32(2), NextToken: first.NextToken})
		if err != nil {
			t.Fatal(err)
		}
		if len(second.Groups) != 1 || second.NextToken != nil {
			t.Errorf("second page: %d groups, next token %v; want 1 and none", len(second.Groups), second.NextToken)
		}
	}},
	{"AdminAddUserToGroup/GroupNotFound", func(t *testing.T, e *env) {
		e.createUser("alice", "")
		_, err := e.api.AdminAddUserToGroup(e.ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(e.poolID), Username: aws.String("alice"), GroupName: aws.String("nope")})
		wantAPIError(t, err, "ResourceNotFoundException", "")
	}},
	{"CreateGroup/GroupExists", func(t *testing.T, e *env) {
		in := &cip.CreateGroupInput{UserPoolId: aws.String(e.poolID), GroupName: aws.String("admins")}
		if _, err := e.api.CreateGroup(e.ctx, in); err != nil {
			t.Fatal(err)
		}
		_, err := e.api.CreateGroup(e.ctx, in)
		wantAPIError(t, err, "GroupExistsException", "")
	}},
	{"SignIn/PermanentPassword", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass)
		if got := e.getUser("alice").UserStatus; got != types.UserStatusTypeConfirmed {
			t.Errorf("status = %s, want CONFIRMED", got)
		}
		if tok := e.mustSignIn("alice", strongPass); aws.ToString(tok.RefreshToken) == "" {
			t.Error("no refresh token")
		}
	}},
	{"SignIn/NewPasswordRequired", func(t *testing.T, e *env) {
		e.createUser("alice", "")
		e.setPassword("alice", strongPass, false)
		out, err := e.signIn("alice", strongPass)
		if err != nil {
			t.Fatal(err)
		}
		if out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || aws.ToString(out.Session) == "" {
			t.Fatalf("challenge %q session %q, want NEW_PASSWORD_REQUIRED with a session", out.ChallengeName, aws.ToString(out.Session))
		}
		resp, err := e.api.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{
			ClientId: aws.String(e.clientID), ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: out.Session,
			ChallengeResponses: map[string]string{"USERNAME": "alice", "NEW_PASSWORD": strongPass2},
		})
		if err != nil {
			t.Fatal(err)
		}
		if resp.AuthenticationResult == nil {
			t.Fatal("no tokens after answering the challenge")
		}
		if got := e.getUser("alice").UserStatus; got != types.UserStatusTypeConfirmed {
			t.Errorf("status = %s, want CONFIRMED", got)
		}
		e.mustSignIn("alice", strongPass2)
	}},
	{"SignIn/WrongPassword", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass)
		_, err := e.signIn("alice", strongPass2)
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	}},
	{"SignIn/WrongTemporaryPassword", func(t *testing.T, e *env) {
		e.createUser("alice", "")
		_, err := e.signIn("alice", strongPass2)
		wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	}},
	{"SignIn/DisabledUser", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass)
		if _, err := e.api.AdminDisableUser(e.ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(e.poolID), Username: aws.String("alice")}); err != nil {
			t.Fatal(err)
		}
		_, err := e.signIn("alice", strongPass)
		wantAPIError(t, err, "NotAuthorizedException", "User is disabled.")
	}},
	{"SignIn/UnknownUser", func(t *testing.T, e *env) {
		_, err := e.signIn("nobody", strongPass)
		wantAPIError(t, err, "UserNotFoundException", "")
	}},
	{"SignIn/UnknownClient", func(t *testing.T, e *env) {
		_, err := e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{
			AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String("nosuchclient0000000000000a"),
			AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": strongPass},
		})
		wantAPIError(t, err, "ResourceNotFoundException", "")
	}},
	{"SignIn/FlowNotEnabled", func(t *testing.T, e *env) {
		cl, err := e.api.CreateUserPoolClient(e.ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(e.poolID), ClientName: aws.String("srp-only")})
		if err != nil {
			t.Fatal(err)
		}
		e.createUser("alice", strongPass)
		_, err = e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{
			AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: cl.UserPoolClient.ClientId,
			AuthParameters: map[string]string{"USERNAME": "alice", "PASSWORD": strongPass},
		})
		wantAPIError(t, err, "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")
	}},
	{"RefreshToken/SignsIn", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass)
		tok := e.mustSignIn("alice", strongPass)
		out, err := e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{
			AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(e.clientID),
			AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(tok.RefreshToken)},
		})
		if err != nil {
			t.Fatal(err)
		}
		if out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.AccessToken) == "" {
			t.Error("no access token from the refresh token")
		}
	}},
	{"AdminDisableUser/Disables", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass)
		if _, err := e.api.AdminDisableUser(e.ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(e.poolID), Username: aws.String("alice")}); err != nil {
			t.Fatal(err)
		}
		if e.getUser("alice").Enabled {
			t.Error("user still enabled")
		}
	}},
	{"PasswordPolicy/AdminSetUserPassword", func(t *testing.T, e *env) {
		e.createUser("alice", "")
		for _, weak := range []string{"Sh0rt-pw!", "n0-upper-case!", "N0-LOWER-CASE!", "No-Digits-Here!", "N0Symbols1nHere"} {
			_, err := e.api.AdminSetUserPassword(e.ctx, &cip.AdminSetUserPasswordInput{
				UserPoolId: aws.String(e.poolID), Username: aws.String("alice"), Password: aws.String(weak), Permanent: true,
			})
			wantAPIError(t, err, "InvalidPasswordException", "Password does not conform to policy")
		}
	}},
	{"PasswordPolicy/AdminCreateUser", func(t *testing.T, e *env) {
		_, err := e.api.AdminCreateUser(e.ctx, &cip.AdminCreateUserInput{
			UserPoolId: aws.String(e.poolID), Username: aws.String("alice"), TemporaryPassword: aws.String("weak"),
			MessageAction: types.MessageActionTypeSuppress,
		})
		wantAPIError(t, err, "InvalidPasswordException", "")
	}},
	{"PasswordPolicy/NewPasswordChallenge", func(t *testing.T, e *env) {
		e.createUser("alice", "")
		e.setPassword("alice", strongPass, false)
		out, err := e.signIn("alice", strongPass)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.api.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{
			ClientId: aws.String(e.clientID), ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: out.Session,
			ChallengeResponses: map[string]string{"USERNAME": "alice", "NEW_PASSWORD": "weak"},
		})
		wantAPIError(t, err, "InvalidPasswordException", "")
	}},
	{"PasswordPolicy/ConfirmForgotPassword", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass)
		if _, err := e.api.ForgotPassword(e.ctx, &cip.ForgotPasswordInput{ClientId: aws.String(e.clientID), Username: aws.String("alice")}); err != nil {
			t.Fatal(err)
		}
		_, err := e.api.ConfirmForgotPassword(e.ctx, &cip.ConfirmForgotPasswordInput{
			ClientId: aws.String(e.clientID), Username: aws.String("alice"), ConfirmationCode: aws.String(e.code("alice")), Password: aws.String("weak"),
		})
		wantAPIError(t, err, "InvalidPasswordException", "")
	}},
	{"AdminUpdateUserAttributes/VerifyWithAddress", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass, "email_verified", "false", "phone_number", "+15555550100")
		_, err := e.api.AdminUpdateUserAttributes(e.ctx, &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(e.poolID), Username: aws.String("alice"),
			UserAttributes: []types.AttributeType{
				{Name: aws.String("email"), Value: aws.String("alice@example.com")},
				{Name: aws.String("email_verified"), Value: aws.String("true")},
				{Name: aws.String("phone_number"), Value: aws.String("+15555550100")},
				{Name: aws.String("phone_number_verified"), Value: aws.String("true")},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		u := e.getUser("alice")
		if attr(u.UserAttributes, "email_verified") != "true" || attr(u.UserAttributes, "phone_number_verified") != "true" {
			t.Errorf("attributes = %v, want email and phone verified", u.UserAttributes)
		}
	}},
	{"AdminUpdateUserAttributes/VerifyAlone", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass, "email_verified", "false")
		_, err := e.api.AdminUpdateUserAttributes(e.ctx, &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(e.poolID), Username: aws.String("alice"),
			UserAttributes: []types.AttributeType{{Name: aws.String("email_verified"), Value: aws.String("true")}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := attr(e.getUser("alice").UserAttributes, "email_verified"); got != "true" {
			t.Errorf("email_verified = %q, want true", got)
		}
	}},
	{"AdminUpdateUserAttributes/EmailChangeUnverifies", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass)
		_, err := e.api.AdminUpdateUserAttributes(e.ctx, &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(e.poolID), Username: aws.String("alice"),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("new@example.com")}},
		})
		if err != nil {
			t.Fatal(err)
		}
		u := e.getUser("alice")
		if attr(u.UserAttributes, "email") != "new@example.com" || attr(u.UserAttributes, "email_verified") != "false" {
			t.Errorf("attributes = %v, want the new email, unverified", u.UserAttributes)
		}
	}},
	{"AdminUpdateUserAttributes/UserNotFound", func(t *testing.T, e *env) {
		_, err := e.api.AdminUpdateUserAttributes(e.ctx, &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(e.poolID), Username: aws.String("nobody"),
			UserAttributes: []types.AttributeType{{Name: aws.String("email_verified"), Value: aws.String("true")}},
		})
		wantAPIError(t, err, "UserNotFoundException", "")
	}},
	{"ForgotPassword/CodeDeliveryDetails", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass)
		out, err := e.api.ForgotPassword(e.ctx, &cip.ForgotPasswordInput{ClientId: aws.String(e.clientID), Username: aws.String("alice")})
		if err != nil {
			t.Fatal(err)
		}
		d := out.CodeDeliveryDetails
		if d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.AttributeName) != "email" {
			t.Errorf("CodeDeliveryDetails = %s %s, want EMAIL email", d.DeliveryMedium, aws.ToString(d.AttributeName))
		}
	}},
	{"ForgotPassword/MaskedDestination", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass)
		out, err := e.api.ForgotPassword(e.ctx, &cip.ForgotPasswordInput{ClientId: aws.String(e.clientID), Username: aws.String("alice")})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(out.CodeDeliveryDetails.Destination); got != "a***@e***" {
			t.Errorf("Destination = %q, want a***@e***", got)
		}
	}},
	{"ForgotPassword/NoVerifiedContact", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass, "email_verified", "false")
		_, err := e.api.ForgotPassword(e.ctx, &cip.ForgotPasswordInput{ClientId: aws.String(e.clientID), Username: aws.String("alice")})
		wantAPIError(t, err, "InvalidParameterException", "no registered/verified email or phone_number")
	}},
	{"ForgotPassword/ForceChangePassword", func(t *testing.T, e *env) {
		e.createUser("alice", "")
		_, err := e.api.ForgotPassword(e.ctx, &cip.ForgotPasswordInput{ClientId: aws.String(e.clientID), Username: aws.String("alice")})
		wantAPIError(t, err, "NotAuthorizedException", "User password cannot be reset in the current state.")
	}},
	{"ConfirmForgotPassword/CodeMismatch", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass)
		if _, err := e.api.ForgotPassword(e.ctx, &cip.ForgotPasswordInput{ClientId: aws.String(e.clientID), Username: aws.String("alice")}); err != nil {
			t.Fatal(err)
		}
		_, err := e.api.ConfirmForgotPassword(e.ctx, &cip.ConfirmForgotPasswordInput{
			ClientId: aws.String(e.clientID), Username: aws.String("alice"), ConfirmationCode: aws.String("not-the-code"), Password: aws.String(strongPass2),
		})
		wantAPIError(t, err, "CodeMismatchException", "")
	}},
	{"ConfirmForgotPassword/WithCode", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass)
		if _, err := e.api.ForgotPassword(e.ctx, &cip.ForgotPasswordInput{ClientId: aws.String(e.clientID), Username: aws.String("alice")}); err != nil {
			t.Fatal(err)
		}
		_, err := e.api.ConfirmForgotPassword(e.ctx, &cip.ConfirmForgotPasswordInput{
			ClientId: aws.String(e.clientID), Username: aws.String("alice"), ConfirmationCode: aws.String(e.code("alice")), Password: aws.String(strongPass2),
		})
		if err != nil {
			t.Fatal(err)
		}
		e.mustSignIn("alice", strongPass2)
	}},
	{"AdminResetUserPassword/ResetRequired", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass)
		if _, err := e.api.AdminResetUserPassword(e.ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(e.poolID), Username: aws.String("alice")}); err != nil {
			t.Fatal(err)
		}
		if got := e.getUser("alice").UserStatus; got != types.UserStatusTypeResetRequired {
			t.Errorf("status = %s, want RESET_REQUIRED", got)
		}
		_, err := e.signIn("alice", strongPass)
		wantAPIError(t, err, "PasswordResetRequiredException", "")
		_, err = e.api.ConfirmForgotPassword(e.ctx, &cip.ConfirmForgotPasswordInput{
			ClientId: aws.String(e.clientID), Username: aws.String("alice"), ConfirmationCode: aws.String(e.code("alice")), Password: aws.String(strongPass2),
		})
		if err != nil {
			t.Fatal(err)
		}
		e.mustSignIn("alice", strongPass2)
	}},
	{"AdminResetUserPassword/NoVerifiedContact", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass, "email_verified", "false")
		_, err := e.api.AdminResetUserPassword(e.ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(e.poolID), Username: aws.String("alice")})
		wantAPIError(t, err, "InvalidParameterException", "Cannot reset password for the user as there is no registered/verified email or phone_number")
	}},
	{"AdminResetUserPassword/ForceChangePassword", func(t *testing.T, e *env) {
		e.createUser("alice", "")
		_, err := e.api.AdminResetUserPassword(e.ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(e.poolID), Username: aws.String("alice")})
		wantAPIError(t, err, "NotAuthorizedException", "User password cannot be reset in the current state.")
		if got := e.getUser("alice").UserStatus; got != types.UserStatusTypeForceChangePassword {
			t.Errorf("status = %s, want FORCE_CHANGE_PASSWORD still", got)
		}
	}},
	{"AdminResetUserPassword/UserNotFound", func(t *testing.T, e *env) {
		_, err := e.api.AdminResetUserPassword(e.ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(e.poolID), Username: aws.String("nobody")})
		wantAPIError(t, err, "UserNotFoundException", "")
	}},
	{"AdminUserGlobalSignOut/RevokesRefresh", func(t *testing.T, e *env) {
		e.createUser("alice", strongPass)
		tok := e.mustSignIn("alice", strongPass)
		if _, err := e.api.AdminUserGlobalSignOut(e.ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: aws.String(e.poolID), Username: aws.String("alice")}); err != nil {
			t.Fatal(err)
		}
		_, err := e.api.InitiateAuth(e.ctx, &cip.InitiateAuthInput{
			AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(e.clientID),
			AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(tok.RefreshToken)},
		})
		wantAPIError(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
	}},
	{"RespondToAuthChallenge/InvalidSession", func(t *testing.T, e *env) {
		e.createUser("alice", "")
		_, err := e.api.RespondToAuthChallenge(e.ctx, &cip.RespondToAuthChallengeInput{
			ClientId: aws.String(e.clientID), ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: aws.String("made-up-session"),
			ChallengeResponses: map[string]string{"USERNAME": "alice", "NEW_PASSWORD": strongPass2},
		})
		wantAPIError(t, err, "NotAuthorizedException", "Invalid session")
	}},
}
