package cognitotest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/cognito/cognitotest"
)

// The example in the package doc, kept in step with it.
const exampleSeed = `{
  "pools": [{
    "id": "eu-west-1_Example1",
    "name": "prod",
    "passwordPolicy": {"minimumLength": 12, "requireUppercase": true, "requireLowercase": true,
                       "requireNumbers": true, "requireSymbols": true,
                       "temporaryPasswordValidityDays": 7},
    "accountRecovery": ["verified_email", "verified_phone_number"],
    "clients": [{"id": "exampleclient0000000000001", "name": "web"}],
    "groups": [{"name": "admins"}],
    "users": [{
      "username": "alice",
      "password": "Correct-horse-battery-1",
      "status": "CONFIRMED",
      "attributes": {"email": "alice@example.com", "email_verified": "true"},
      "groups": ["admins"]
    }]
  }]
}`

func TestSeedFileFromThePackageDoc(t *testing.T) {
	seed, err := cognitotest.ParseSeed(strings.NewReader(exampleSeed))
	if err != nil {
		t.Fatal(err)
	}
	srv := cognitotest.New(cognitotest.WithRegion("eu-west-1"))
	t.Cleanup(srv.Close)
	loaded := srv.MustLoad(t, seed)
	if diff := cmp.Diff(seed, loaded); diff != "" {
		t.Errorf("Load changed a seed with every id given (-want +got):\n%s", diff)
	}
	c := api(srv, "eu-west-1")
	groups, err := c.AdminListGroupsForUser(t.Context(), &cip.AdminListGroupsForUserInput{UserPoolId: aws.String("eu-west-1_Example1"), Username: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups.Groups) != 1 || aws.ToString(groups.Groups[0].GroupName) != "admins" {
		t.Errorf("groups = %v", groups.Groups)
	}
	e := &env{t: t, ctx: t.Context(), api: c, poolID: "eu-west-1_Example1", clientID: "exampleclient0000000000001"}
	e.mustSignIn("alice", "Correct-horse-battery-1")

	// The same file through Seed.String.
	again, err := cognitotest.ParseSeed(strings.NewReader(seed.String()))
	if err != nil || !cmp.Equal(seed, again) {
		t.Errorf("Seed.String does not parse back: %v", err)
	}
}

func TestLoadMakesUpIDs(t *testing.T) {
	srv := cognitotest.New(cognitotest.WithRegion("ca-central-1"))
	t.Cleanup(srv.Close)
	loaded := srv.MustLoad(t, cognitotest.Seed{Pools: []cognitotest.SeedPool{{Name: "p", Clients: []cognitotest.SeedClient{{Name: "web"}}}}})
	p := loaded.Pools[0]
	if !strings.HasPrefix(p.ID, "ca-central-1_") || len(p.Clients[0].ID) != 26 {
		t.Errorf("ids = %s, %s", p.ID, p.Clients[0].ID)
	}
}

func TestSeedErrors(t *testing.T) {
	tests := []struct {
		name, seed, want string
	}{
		{"unknown field", `{"pools":[{"name":"p","colour":"red"}]}`, `unknown field "colour"`},
		{"trailing text", `{"pools":[]} {}`, "text after the JSON document"},
		{"not JSON", `pools:`, "invalid character"},
		{"no name", `{"pools":[{"id":"us-east-1_A"}]}`, "pools[0] (): name is empty"},
		{"bad id", `{"pools":[{"id":"nope","name":"p"}]}`, "Invalid user pool id"},
		{"duplicate pool", `{"pools":[{"id":"us-east-1_A","name":"p"},{"id":"us-east-1_A","name":"q"}]}`, "pools[1] (q): User pool us-east-1_A already exists."},
		{"weak policy", `{"pools":[{"name":"p","passwordPolicy":{"minimumLength":4}}]}`, "minimumLength"},
		{"bad recovery", `{"pools":[{"name":"p","accountRecovery":["pigeon"]}]}`, "pigeon"},
		{"three recoveries", `{"pools":[{"name":"p","accountRecovery":["verified_email","verified_phone_number","admin_only"]}]}`, "Invalid account recovery"},
		{"bad username attribute", `{"pools":[{"name":"p","usernameAttributes":["nickname"]}]}`, "nickname"},
		{"bad flow", `{"pools":[{"name":"p","clients":[{"name":"c","explicitAuthFlows":["MAGIC"]}]}]}`, "clients[0]: Invalid ExplicitAuthFlows"},
		{"bad prevention", `{"pools":[{"name":"p","clients":[{"name":"c","preventUserExistenceErrors":"SOMETIMES"}]}]}`, "SOMETIMES"},
		{"duplicate client", `{"pools":[{"name":"p","clients":[{"id":"c1","name":"c"},{"id":"c1","name":"d"}]}]}`, "clients[1]"},
		{"duplicate group", `{"pools":[{"name":"p","groups":[{"name":"g"},{"name":"g"}]}]}`, "groups[1]"},
		{"no username", `{"pools":[{"name":"p","users":[{"password":"Abcdefgh1!"}]}]}`, "users[0] (): username is empty"},
		{"duplicate user", `{"pools":[{"name":"p","users":[{"username":"a","password":"Abcdefgh1!"},{"username":"a","password":"Abcdefgh1!"}]}]}`, "users[1] (a): a user with that username already exists"},
		{"bad status", `{"pools":[{"name":"p","users":[{"username":"a","password":"Abcdefgh1!","status":"HAPPY"}]}]}`, `status "HAPPY"`},
		{"weak password", `{"pools":[{"name":"p","users":[{"username":"a","password":"abc"}]}]}`, "Password does not conform to policy"},
		{"bad attribute", `{"pools":[{"name":"p","users":[{"username":"a","password":"Abcdefgh1!","attributes":{"shoe":"9"}}]}]}`, "shoe"},
		{"unknown group", `{"pools":[{"name":"p","users":[{"username":"a","password":"Abcdefgh1!","groups":["g"]}]}]}`, `group "g"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := cognitotest.New()
			t.Cleanup(srv.Close)
			seed, err := cognitotest.ParseSeed(strings.NewReader(tc.seed))
			if err == nil {
				_, err = srv.Load(seed)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			// Nothing of a failed load stays behind.
			_, derr := api(srv, "us-east-1").DescribeUserPool(t.Context(), &cip.DescribeUserPoolInput{UserPoolId: aws.String("us-east-1_A")})
			wantAPIError(t, derr, "ResourceNotFoundException", "")
		})
	}
}

func TestSeedStatuses(t *testing.T) {
	srv := cognitotest.New()
	t.Cleanup(srv.Close)
	srv.MustLoad(t, cognitotest.Seed{Pools: []cognitotest.SeedPool{{ID: poolID, Name: "p",
		Clients: []cognitotest.SeedClient{{ID: clientID, Name: "web"}},
		Users: []cognitotest.SeedUser{
			{Username: "reset", Status: "RESET_REQUIRED", Attributes: map[string]string{"sub": "11111111-1111-4111-8111-111111111111"}},
			{Username: "temp", Password: strongPass, Status: "FORCE_CHANGE_PASSWORD"},
			{Username: "new", Password: strongPass, Status: "UNCONFIRMED"},
		},
	}}})
	e := &env{t: t, ctx: t.Context(), api: api(srv, "us-east-1"), poolID: poolID, clientID: clientID}
	_, err := e.signIn("reset", strongPass)
	wantAPIError(t, err, "PasswordResetRequiredException", "")
	_, err = e.signIn("new", strongPass)
	wantAPIError(t, err, "UserNotConfirmedException", "")
	if out, err := e.signIn("temp", strongPass); err != nil || out.ChallengeName != "NEW_PASSWORD_REQUIRED" {
		t.Errorf("temp: %v %v", out, err)
	}
	if got := aws.ToString(e.getUser("11111111-1111-4111-8111-111111111111").Username); got != "reset" {
		t.Errorf("user by seeded sub = %q", got)
	}
}

func TestParseSeedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(path, []byte(exampleSeed), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := cognitotest.ParseSeed(f); err != nil {
		t.Fatal(err)
	}
}
