package main

import (
	"context"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runBinary runs the built binary with the fixture's environment and returns its exit code and
// what it wrote. A command that has not exited after a minute is stopped and fails the test.
func runBinary(t *testing.T, f *fixture, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, buildBinary(t), args...)
	cmd.Env = f.environ()
	out, err := cmd.CombinedOutput()
	f.assertNoSecrets(t, "resetbot "+strings.Join(args, " "), string(out))
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("resetbot %s did not exit:\n%s", strings.Join(args, " "), out)
	case errors.As(err, &exit):
		return exit.ExitCode(), string(out)
	case err != nil:
		t.Fatal(err)
	}
	return exitOK, string(out)
}

// TestCheckAndServeExitAlike gives check and serve the same broken configuration, or the same
// failing outside system, and wants the same exit code from both.
func TestCheckAndServeExitAlike(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(t *testing.T, f *fixture)
		want   int
	}{
		{"the bot token not set", func(_ *testing.T, f *fixture) { delete(f.env, "RESETBOT_SLACK_BOT_TOKEN") }, exitUsage},
		{"a variable that does not parse", func(_ *testing.T, f *fixture) { f.env["RESETBOT_WORKERS"] = "many" }, exitUsage},
		{"the policy file invalid", func(t *testing.T, f *fixture) {
			writeFile(t, f.env["RESETBOT_POLICY_FILE"], "pools:\n  prod:\n    id: eu-west-1_AbCdEf123\nrules:\n  - name: r\n    actions: [reboot]\n")
		}, exitUsage},
		{"the policy file missing", func(_ *testing.T, f *fixture) {
			f.env["RESETBOT_POLICY_FILE"] = filepath.Join(f.dir, "nowhere.yaml")
		}, exitUsage},
		{"the store cannot be created", func(t *testing.T, f *fixture) {
			blocker := filepath.Join(f.dir, "a-file")
			writeFile(t, blocker, "not a directory")
			f.env["RESETBOT_STORE"] = "sqlite:" + filepath.Join(blocker, "resetbot.db")
		}, exitFail},
		{"Slack refuses the bot token", func(_ *testing.T, f *fixture) {
			f.env["RESETBOT_SLACK_BOT_TOKEN"] = "xoxb-1-not-the-token"
		}, exitFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			tt.break_(t, f)
			check, report := runBinary(t, f, "check")
			serve, log := runBinary(t, f, "serve")
			if check != tt.want || serve != tt.want {
				t.Errorf("check exited %d and serve %d, want %d from both\ncheck:\n%s\nserve:\n%s", check, serve, tt.want, report, log)
			}
		})
	}
}

// TestCheckWithoutTheBotTokenChecksTheRest: with no bot token and a wrong listen address,
// check reports both, says the Slack bot token check did not run, and still checks the
// app-level token, the policy, AWS, every pool and the store.
func TestCheckWithoutTheBotTokenChecksTheRest(t *testing.T) {
	f := newFixture(t)
	delete(f.env, "RESETBOT_SLACK_BOT_TOKEN")
	f.env["RESETBOT_HTTP_ADDR"] = "8080"
	code, report := runBinary(t, f, "check")
	if code != exitUsage {
		t.Errorf("check exited %d, want %d", code, exitUsage)
	}
	assertReportHas(t, report,
		"FAIL  Configuration: RESETBOT_SLACK_BOT_TOKEN is not set",
		`FAIL  Configuration: RESETBOT_HTTP_ADDR "8080" is not host:port`,
		"skip  Slack bot token: not checked: RESETBOT_SLACK_BOT_TOKEN is not set",
		"ok    Slack app-level token: ",
		"ok    Policy file ",
		"      the workspace it allows is not compared with the bot's: the Slack bot token check did not pass",
		"ok    AWS credentials: ",
		"ok    Pool prod ("+prodPoolID+")",
		"ok    Pool staging ("+stagingPoolID+")",
		"ok    Store sqlite:",
		"2 of 9 checks failed and 1 could not run: resetbot is not ready.",
	)
}

// TestPolicyCommandExitsAlike holds resetbot policy, which keeps its own exit codes, to the
// table the help and the README show: an invalid policy file is 2, as for serve and check, and
// a denied request 1.
func TestPolicyCommandExitsAlike(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "policy.yaml")
	writeFile(t, bad, "pools:\n  prod:\n    id: eu-west-1_AbCdEf123\nrules:\n  - name: r\n    actions: [reboot]\n")
	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"policy", "check", "-f", examplePolicy}, exitOK},
		{[]string{"policy", "check", "-f", bad}, exitUsage},
		{[]string{"policy", "check"}, exitUsage},
		{[]string{"policy", "test", "-f", examplePolicy, "--requester", "U0NOBODY1", "--action", "reset", "--pool", "prod"}, exitFail},
	} {
		if got := dispatch(t.Context(), tt.args, io.Discard, io.Discard); got != tt.want {
			t.Errorf("resetbot %s exited %d, want %d", strings.Join(tt.args, " "), got, tt.want)
		}
	}
}
