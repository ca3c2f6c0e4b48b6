package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/internal/slacktest"
)

// The people, channel and user of the example policy (deploy/policy.example.yaml), as the
// fakes are seeded with them.
const (
	exampleTeam    = "T0EXAMPLE1"
	exampleChannel = "C0SUPPORT1"
	requester      = "U0SUPPORT1" // in @support
	approver       = "U0LEAD0001" // in @support-leads
	prodPoolID     = "eu-west-1_AbCdEf123"
	stagingPoolID  = "us-east-1_XyZ987654"
	targetUser     = "alice"
	targetEmail    = "alice@example.com"
	appClientID    = "resetbotexampleclient0001" // an app client of the prod pool, for signing in
)

// fixture is a fake Slack and a fake Cognito seeded for the example policy, and the
// environment that points resetbot at them.
type fixture struct {
	slack   *slacktest.Server
	cognito *cognitotest.Server
	sent    chan cognitotest.Message // every message the fake Cognito sends (reset codes)
	dir     string
	env     map[string]string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	sl, err := slacktest.Start(slacktest.WithTeam(exampleTeam, "example"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sl.Close)
	sl.AddUser(slacktest.User{ID: requester, Name: "sam"})
	sl.AddUser(slacktest.User{ID: approver, Name: "lee"})
	sl.AddUserGroup("S0SUPPORT1", "support", requester)
	sl.AddUserGroup("S0LEADS001", "support-leads", approver)
	sl.AddChannel(exampleChannel, "support-resets", requester, approver, sl.BotUserID())

	sent := make(chan cognitotest.Message, 16)
	cog := cognitotest.New(cognitotest.WithOnMessage(func(m cognitotest.Message) { sent <- m }))
	t.Cleanup(cog.Close)
	cog.MustLoad(t, cognitotest.Seed{Pools: []cognitotest.SeedPool{
		{
			ID: prodPoolID, Name: "prod",
			AccountRecovery: []string{"verified_email"},
			Clients:         []cognitotest.SeedClient{{ID: appClientID, Name: "web"}},
			Groups:          []cognitotest.SeedGroup{{Name: "customers"}, {Name: "admins"}},
			Users: []cognitotest.SeedUser{{
				Username: targetUser, Password: "Correct-horse-1",
				Attributes: map[string]string{"email": targetEmail, "email_verified": "true"},
				Groups:     []string{"customers"},
			}},
		},
		{ID: stagingPoolID, Name: "staging"},
	}})

	dir := t.TempDir()
	policyFile := filepath.Join(dir, "policy.yaml")
	example, err := os.ReadFile(examplePolicy)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(policyFile, example, 0o600); err != nil {
		t.Fatal(err)
	}
	return &fixture{
		slack:   sl,
		cognito: cog,
		sent:    sent,
		dir:     dir,
		env: map[string]string{
			"RESETBOT_SLACK_APP_TOKEN":  sl.AppToken(),
			"RESETBOT_SLACK_BOT_TOKEN":  sl.BotToken(),
			"RESETBOT_POLICY_FILE":      policyFile,
			"RESETBOT_STORE":            "sqlite:" + filepath.Join(dir, "data", "resetbot.db"),
			"RESETBOT_HTTP_ADDR":        "127.0.0.1:0",
			"RESETBOT_SLACK_API_URL":    sl.APIURL(),
			"RESETBOT_COGNITO_ENDPOINT": cog.URL(),
			"AWS_ACCESS_KEY_ID":         "AKIDEXAMPLE",
			"AWS_SECRET_ACCESS_KEY":     "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
			"AWS_REGION":                "eu-west-1",
		},
	}
}

// secrets are the values no output may show.
func (f *fixture) secrets() []string {
	return []string{f.env["RESETBOT_SLACK_APP_TOKEN"], f.env["RESETBOT_SLACK_BOT_TOKEN"], f.env["AWS_SECRET_ACCESS_KEY"]}
}

// setenv puts the fixture's environment in place for an in-process run, isolated from the
// machine's AWS configuration.
func (f *fixture) setenv(t *testing.T) {
	t.Helper()
	clearEnv(t)
	for _, k := range []string{"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(f.dir, "no-aws-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(f.dir, "no-aws-credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	setEnv(t, f.env)
}

// environ is the fixture's environment for a child process: only what it needs.
func (f *fixture) environ() []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + f.dir,
		"AWS_CONFIG_FILE=" + filepath.Join(f.dir, "no-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(f.dir, "no-aws-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
	}
	for k, v := range f.env {
		env = append(env, k+"="+v)
	}
	return env
}

// assertNoSecrets fails when out shows a token or the AWS secret key.
func (f *fixture) assertNoSecrets(t *testing.T, what, out string) {
	t.Helper()
	for _, s := range f.secrets() {
		if s != "" && strings.Contains(out, s) {
			t.Errorf("%s shows a secret", what)
		}
	}
}
