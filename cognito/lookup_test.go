package cognito_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/policy"
)

const (
	aliceSub = "0a0b0c0d-1111-4222-8333-444455556666"
	uuidName = "99999999-8888-4777-8666-555544443333"
)

func TestLookup(t *testing.T) {
	alice := user("alice", "sub", aliceSub, "email", "alice@example.com", "email_verified", "true",
		"phone_number", "+15555550100", "phone_number_verified", "false")
	alice.Groups = []string{"support", "admins"}
	twin1 := user("twin1", "email", "twins@example.com")
	twin2 := user("twin2", "email", "twins@example.com")
	quoted := user("quoted", "email", `o"brien\@example.com`)
	named := user(uuidName)
	bob := user("bob", "email", "Bob.Smith@example.com")
	disabled := user("dora")
	disabled.Disabled = true
	disabled.Status = "FORCE_CHANGE_PASSWORD"
	srv := fake(t, alice, twin1, twin2, quoted, named, bob, disabled)
	c := client(t, srv, cognito.Options{})

	wantAlice := approval.User{
		Username: "alice", Sub: aliceSub, Status: "CONFIRMED", Enabled: true,
		Email: "alice@example.com", EmailVerified: true, Phone: "+15555550100", PhoneVerified: false,
		Groups: []string{"admins", "support"},
	}
	wantBob := approval.User{Username: "bob", Status: "CONFIRMED", Enabled: true, Email: "Bob.Smith@example.com", Groups: []string{}}
	tests := []struct {
		name, ref string
		want      approval.User
		code      string
		message   string
	}{
		{name: "username", ref: "alice", want: wantAlice},
		{name: "email", ref: "alice@example.com", want: wantAlice},
		{name: "sub", ref: aliceSub, want: wantAlice},
		{name: "spaces", ref: "  alice ", want: wantAlice},
		{name: "email with quotes", ref: `o"brien\@example.com`, want: approval.User{Username: "quoted", Status: "CONFIRMED", Enabled: true, Email: `o"brien\@example.com`, Groups: []string{}}},
		{name: "username that looks like a sub", ref: uuidName, want: approval.User{Username: uuidName, Status: "CONFIRMED", Enabled: true, Groups: []string{}}},
		{name: "disabled", ref: "dora", want: approval.User{Username: "dora", Status: "FORCE_CHANGE_PASSWORD", Groups: []string{}}},
		{name: "shared email", ref: "twins@example.com", code: approval.EINVALID, message: "2 users in pool prod have that email"},
		{name: "email in capitals", ref: "ALICE@Example.COM", want: wantAlice},
		{name: "email with the domain in capitals", ref: "Bob.Smith@EXAMPLE.COM", want: wantBob},
		{name: "email as stored", ref: "Bob.Smith@example.com", want: wantBob},
		{name: "email in other capitals than stored", ref: "bob.smith@example.com", code: approval.ENOTFOUND,
			message: "No user in pool prod has that email address or username. Cognito compares email addresses exactly, capitals included"},
		{name: "unknown email", ref: "nobody@example.com", code: approval.ENOTFOUND, message: "No user in pool prod has that email address or username."},
		{name: "unknown username", ref: "nobody", code: approval.ENOTFOUND, message: "There is no such user in pool prod."},
		{name: "empty", ref: " ", code: approval.EINVALID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// LookupUser finds the same user, or fails the same way, without reading groups.
			groupCalls := srv.Calls("AdminListGroupsForUser")
			alone, err := c.LookupUser(t.Context(), prod, tc.ref)
			if calls := srv.Calls("AdminListGroupsForUser") - groupCalls; calls != 0 {
				t.Errorf("LookupUser(%q) read the groups (%d calls)", tc.ref, calls)
			}
			if tc.code != "" {
				wantCode(t, err, tc.code)
			} else if err != nil {
				t.Errorf("LookupUser(%q): %v", tc.ref, err)
			} else {
				want := tc.want
				want.Groups = nil
				opts := cmpopts.IgnoreFields(approval.User{}, "Created", "Modified")
				if want.Sub == "" {
					opts = cmpopts.IgnoreFields(approval.User{}, "Created", "Modified", "Sub")
				}
				if diff := cmp.Diff(want, alone, opts); diff != "" {
					t.Errorf("LookupUser(%q) (-want +got):\n%s", tc.ref, diff)
				}
			}

			got, err := c.Lookup(t.Context(), prod, tc.ref)
			if tc.code != "" {
				e := wantCode(t, err, tc.code)
				if !strings.Contains(e.Message, tc.message) {
					t.Errorf("message %q, want it to contain %q", e.Message, tc.message)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Created.IsZero() || got.Modified.IsZero() {
				t.Errorf("dates missing: %+v", got)
			}
			opts := cmpopts.IgnoreFields(approval.User{}, "Created", "Modified")
			if tc.want.Sub == "" {
				opts = cmpopts.IgnoreFields(approval.User{}, "Created", "Modified", "Sub")
			}
			if diff := cmp.Diff(tc.want, got, opts); diff != "" {
				t.Errorf("Lookup(%q) (-want +got):\n%s", tc.ref, diff)
			}
		})
	}
}

// withManyGroups starts a fake Cognito whose prod pool has the user "many" in 130 groups (three
// pages of AdminListGroupsForUser) and the users more, and returns it with the groups' names.
func withManyGroups(t *testing.T, more ...cognitotest.SeedUser) (*cognitotest.Server, []string) {
	t.Helper()
	srv := cognitotest.New()
	t.Cleanup(srv.Close)
	var groups []cognitotest.SeedGroup
	var names []string
	for i := range 130 {
		name := fmt.Sprintf("group-%03d", i)
		groups = append(groups, cognitotest.SeedGroup{Name: name})
		names = append(names, name)
	}
	many := user("many")
	many.Groups = names
	users := append([]cognitotest.SeedUser{many}, more...)
	srv.MustLoad(t, cognitotest.Seed{Pools: []cognitotest.SeedPool{{ID: poolID, Name: "prod", Groups: groups, Users: users}}})
	return srv, names
}

func TestLookupReadsEveryPage(t *testing.T) {
	var clones []cognitotest.SeedUser
	for i := range 3 {
		clones = append(clones, user(fmt.Sprintf("clone%d", i), "email", "same@example.com"))
	}
	srv, names := withManyGroups(t, clones...)
	c := client(t, srv, cognito.Options{})

	got, err := c.Lookup(t.Context(), prod, "many")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(names, got.Groups); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	if calls := srv.Calls("AdminListGroupsForUser"); calls != 3 {
		t.Errorf("AdminListGroupsForUser calls = %d, want 3 pages of 60", calls)
	}
	_, err = c.Lookup(t.Context(), prod, "same@example.com")
	if e := wantCode(t, err, approval.EINVALID); !strings.HasPrefix(e.Message, "3 users") {
		t.Errorf("message = %q", e.Message)
	}
}

func TestDirectoryLookup(t *testing.T) {
	alice := user("alice", "sub", aliceSub, "email", "alice@example.com", "email_verified", "true")
	alice.Groups = []string{"admins"}
	srv := fake(t, alice)
	d := cognito.NewDirectory(client(t, srv, cognito.Options{}))
	got, err := d.Lookup(t.Context(), prod, "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	want := approval.User{Username: "alice", Sub: aliceSub, Status: "CONFIRMED", Enabled: true, Email: "alice@example.com", EmailVerified: true, Groups: []string{"admins"}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreTypes(time.Time{})); diff != "" {
		t.Errorf("Lookup (-want +got):\n%s", diff)
	}
	_, err = d.Lookup(t.Context(), prod, "nobody")
	wantDomainCode(t, err, approval.ENOTFOUND)
	alone, err := d.LookupUser(t.Context(), prod, "alice")
	if err != nil {
		t.Fatal(err)
	}
	want.Groups = nil
	if diff := cmp.Diff(want, alone, cmpopts.IgnoreTypes(time.Time{})); diff != "" {
		t.Errorf("LookupUser (-want +got):\n%s", diff)
	}
	_, err = d.LookupUser(t.Context(), prod, "nobody")
	wantDomainCode(t, err, approval.ENOTFOUND)
}

// TestLookupUsernameBeforeEmail: an address can be one user's username and another's email.
// The username names its user, so Lookup of any user's own username finds that user (the
// workflow looks users up again by username before running an action).
func TestLookupUsernameBeforeEmail(t *testing.T) {
	carol := user("carol@example.com", "email", "carol@new.example")
	dave := user("dave", "email", "carol@example.com")
	erin := user("erin@example.com", "email", "erin@example.com")
	erin2 := user("erin2", "email", "erin@example.com")
	alias := user("frank", "email", "frank@example.com")
	srv := fake(t, carol, dave, erin, erin2, alias)
	c := client(t, srv, cognito.Options{})
	for _, tc := range []struct{ ref, want string }{
		{"carol@example.com", "carol@example.com"},
		{"carol@new.example", "carol@example.com"},
		{"dave", "dave"},
		{"erin@example.com", "erin@example.com"},
		{"erin2", "erin2"},
		{"frank@example.com", "frank"},
		{"FRANK@example.com", "frank"},
	} {
		got, err := c.Lookup(t.Context(), prod, tc.ref)
		if err != nil {
			t.Errorf("Lookup(%q): %v", tc.ref, err)
			continue
		}
		if got.Username != tc.want {
			t.Errorf("Lookup(%q) = %s, want %s", tc.ref, got.Username, tc.want)
		}
	}
}

func TestLookupByEmailNeedsAdminGetUser(t *testing.T) {
	srv := fake(t, user("alice", "email", "alice@example.com"))
	srv.Inject(cognitotest.Fault{Op: "AdminGetUser", Code: "AccessDeniedException"})
	c := client(t, srv, cognito.Options{})
	_, err := c.Lookup(t.Context(), prod, "alice@example.com")
	if e := wantCode(t, err, approval.EIAM); !strings.Contains(e.Message, "cognito-idp:AdminGetUser") {
		t.Errorf("message = %q", e.Message)
	}
}

// TestEmailAddressedPool: in a pool whose users sign in with their email, Cognito names each
// user by their sub and keeps the address as typed at sign-up; the adapter finds them by any
// capitals of the address (as a sign-in alias), by sub and by username, and acts on them.
func TestEmailAddressedPool(t *testing.T) {
	srv := cognitotest.New(cognitotest.WithRegion("eu-west-1"))
	t.Cleanup(srv.Close)
	owner := cip.NewFromConfig(cfg(), func(o *cip.Options) { o.BaseEndpoint = aws.String(srv.URL()); o.Region = "eu-west-1" })
	created, err := owner.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{
		PoolName:               aws.String("by-email"),
		UsernameAttributes:     []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
		UsernameConfiguration:  &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)},
		AccountRecoverySetting: &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(1)}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	pool := policy.Pool{Name: "by-email", ID: aws.ToString(created.UserPool.Id)}
	grace, err := owner.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{
		UserPoolId: created.UserPool.Id, Username: aws.String("Grace.Hopper@Example.com"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("email_verified"), Value: aws.String("true")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	username := aws.ToString(grace.User.Username)
	c := client(t, srv, cognito.Options{})
	for _, ref := range []string{"Grace.Hopper@Example.com", "grace.hopper@example.com", username} {
		u, err := c.Lookup(t.Context(), pool, ref)
		if err != nil {
			t.Fatalf("Lookup(%q): %v", ref, err)
		}
		if u.Username != username || u.Sub != username || u.Email != "Grace.Hopper@Example.com" || !u.EmailVerified {
			t.Errorf("Lookup(%q) = %+v, want the user named by their sub", ref, u)
		}
	}
	if _, err := c.SetTemporaryPassword(t.Context(), pool, username); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetPermanentPassword(t.Context(), pool, username); err != nil {
		t.Fatal(err)
	}
	res, err := c.ResetPassword(t.Context(), pool, username)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Detail, "by email") {
		t.Errorf("reset: %+v", res)
	}
	if sent := srv.Sent(pool.ID, username); len(sent) != 1 || sent[0].Destination != "Grace.Hopper@Example.com" {
		t.Errorf("sent = %+v", sent)
	}
}
