package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/store/sqlite"
)

// runCheck runs `resetbot check` in process with the fixture's environment.
func runCheck(t *testing.T, f *fixture) (int, string) {
	t.Helper()
	f.setenv(t)
	var out, errOut bytes.Buffer
	code := dispatch(t.Context(), []string{"check"}, &out, &errOut)
	f.assertNoSecrets(t, "check's output", out.String()+errOut.String())
	return code, out.String()
}

// checkLine returns the report's line for the check whose name starts with name, with the
// fix line under it.
func checkLine(t *testing.T, report, name string) string {
	t.Helper()
	lines := strings.Split(report, "\n")
	for i, l := range lines {
		if _, rest, _ := strings.Cut(l, "  "); strings.HasPrefix(strings.TrimSpace(rest), name) {
			out := l
			for _, more := range lines[i+1:] {
				if !strings.HasPrefix(more, "      ") {
					break
				}
				out += "\n" + more
			}
			return out
		}
	}
	t.Fatalf("the report has no line for %q:\n%s", name, report)
	return ""
}

// assertReportHas fails when the report lacks any of the lines or parts of lines.
func assertReportHas(t *testing.T, report string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(report, w) {
			t.Errorf("report lacks %q:\n%s", w, report)
		}
	}
}

func TestCheckPassesWhenEverythingIsReady(t *testing.T) {
	f := newFixture(t)
	code, report := runCheck(t, f)
	if code != exitOK {
		t.Fatalf("check exited %d, want 0:\n%s", code, report)
	}
	assertReportHas(t, report,
		"ok    Slack bot token: @resetbot (U0RESETBOT) in workspace example ("+exampleTeam+")",
		"ok    Slack app-level token: Socket Mode connections can be opened",
		"ok    AWS credentials: found",
		"ok    Policy file ",
		"ok    Pool prod ("+prodPoolID+")",
		"ok    Pool staging ("+stagingPoolID+")",
		"ok    Store sqlite:",
		"All 7 checks passed",
	)
	if strings.Contains(report, "not compared") {
		t.Errorf("the workspace was compared, yet the report says it was not:\n%s", report)
	}
}

// TestCheckPassesWithoutTheHistoryScopes: an app installed before the bot asked to read
// channel histories works without them; check says what they are for and how to grant them.
func TestCheckPassesWithoutTheHistoryScopes(t *testing.T) {
	f := newFixture(t)
	f.env["RESETBOT_SLACK_API_URL"] = scopeProxy(t, f, "chat:write,commands,im:write,usergroups:read,users:read")
	code, report := runCheck(t, f)
	if code != exitOK {
		t.Fatalf("check exited %d, want 0:\n%s", code, report)
	}
	assertReportHas(t, report, "ok    Slack bot token: @resetbot", "it works, but lacks the scopes channels:history, groups:history",
		"is not found again: its request is withdrawn", "reinstall the app")
}

// TestCheckNamesEachFailure breaks one thing at a time and checks that the report names it,
// says how to fix it, and exits 1, or 2 when the fix is in the configuration.
func TestCheckNamesEachFailure(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(t *testing.T, f *fixture)
		check  string   // the report line that must fail
		want   []string // in that line or its fix
		report []string // elsewhere in the report
		code   int      // the exit code when not exitFail
	}{
		{
			name:   "bot token not accepted",
			break_: func(_ *testing.T, f *fixture) { f.env["RESETBOT_SLACK_BOT_TOKEN"] = "xoxb-1-not-the-token" },
			check:  "Slack bot token",
			want:   []string{"Slack does not accept RESETBOT_SLACK_BOT_TOKEN", "fix: copy the token again", "Bot User OAuth Token"},
		},
		{
			name:   "bot token revoked",
			break_: func(_ *testing.T, f *fixture) { f.slack.FailNext("auth.test", "token_revoked") },
			check:  "Slack bot token",
			want:   []string{"the bot token was revoked", "Reinstall to Workspace"},
		},
		{
			name:   "bot token expired by rotation",
			break_: func(_ *testing.T, f *fixture) { f.slack.FailNext("auth.test", "token_expired") },
			check:  "Slack bot token",
			want:   []string{"token rotation is on", "turn token rotation off"},
		},
		{
			name: "bot token lacks scopes",
			break_: func(t *testing.T, f *fixture) {
				f.env["RESETBOT_SLACK_API_URL"] = scopeProxy(t, f, "chat:write,commands")
			},
			check: "Slack bot token",
			want:  []string{"lacks the scopes im:write, usergroups:read, users:read", "Bot Token Scopes", "reinstall the app"},
		},
		{
			name:   "Slack unreachable",
			break_: func(_ *testing.T, f *fixture) { f.env["RESETBOT_SLACK_API_URL"] = "http://127.0.0.1:1/api/" },
			check:  "Slack bot token",
			want:   []string{"could not reach http://127.0.0.1:1/api/", "HTTPS_PROXY"},
		},
		{
			name:   "bot token of a deleted app",
			break_: func(_ *testing.T, f *fixture) { f.slack.FailNext("auth.test", "account_inactive") },
			check:  "Slack bot token",
			want:   []string{"no longer active", "reinstall the app"},
		},
		{
			name:   "no bot token received",
			break_: func(_ *testing.T, f *fixture) { f.slack.FailNext("auth.test", "not_authed") },
			check:  "Slack bot token",
			want:   []string{"Slack received no bot token"},
		},
		{
			name:   "bot token of the wrong type",
			break_: func(_ *testing.T, f *fixture) { f.slack.FailNext("auth.test", "not_allowed_token_type") },
			check:  "Slack bot token",
			want:   []string{"is not a bot token", "xoxb-"},
		},
		{
			name:   "Slack rate-limits the check",
			break_: func(_ *testing.T, f *fixture) { f.slack.FailNext("auth.test", "ratelimited") },
			check:  "Slack bot token",
			want:   []string{"rate-limited", "wait a minute"},
		},
		{
			name:   "Slack answers with an error the check does not know",
			break_: func(_ *testing.T, f *fixture) { f.slack.FailNext("auth.test", "team_added_to_org") },
			check:  "Slack bot token",
			want:   []string{`Slack answered auth.test with the error "team_added_to_org"`, "Troubleshooting"},
		},
		{
			name: "user token given as the bot token",
			break_: func(t *testing.T, f *fixture) {
				f.env["RESETBOT_SLACK_API_URL"] = slackProxy(t, f, func(r *http.Response) error {
					if !strings.HasSuffix(r.Request.URL.Path, "/auth.test") {
						return nil
					}
					return rewriteJSON(r, func(m map[string]any) { delete(m, "bot_id"); m["user"] = "sam" })
				})
			},
			check: "Slack bot token",
			want:  []string{"belongs to the user sam, not to a bot", "Bot User OAuth Token"},
		},
		{
			name:   "app token without connections:write",
			break_: func(_ *testing.T, f *fixture) { f.slack.FailNext("apps.connections.open", "missing_scope") },
			check:  "Slack app-level token",
			want:   []string{"lacks the connections:write scope", "App-Level Tokens"},
		},
		{
			name:   "app token not accepted",
			break_: func(_ *testing.T, f *fixture) { f.env["RESETBOT_SLACK_APP_TOKEN"] = "xapp-1-not-the-token" },
			check:  "Slack app-level token",
			want:   []string{"Slack does not accept RESETBOT_SLACK_APP_TOKEN", "App-Level Tokens"},
		},
		{
			name:   "app token revoked",
			break_: func(_ *testing.T, f *fixture) { f.slack.FailNext("apps.connections.open", "token_revoked") },
			check:  "Slack app-level token",
			want:   []string{"the app-level token was revoked", "connections:write"},
		},
		{
			name:   "app token of a deleted app",
			break_: func(_ *testing.T, f *fixture) { f.slack.FailNext("apps.connections.open", "account_inactive") },
			check:  "Slack app-level token",
			want:   []string{"no longer active"},
		},
		{
			name:   "no app token received",
			break_: func(_ *testing.T, f *fixture) { f.slack.FailNext("apps.connections.open", "not_authed") },
			check:  "Slack app-level token",
			want:   []string{"Slack received no app-level token"},
		},
		{
			name:   "app token of the wrong type",
			break_: func(_ *testing.T, f *fixture) { f.slack.FailNext("apps.connections.open", "not_allowed_token_type") },
			check:  "Slack app-level token",
			want:   []string{"is not an app-level token"},
		},
		{
			name: "policy file invalid",
			break_: func(t *testing.T, f *fixture) {
				writeFile(t, f.env["RESETBOT_POLICY_FILE"], "pools:\n  prod:\n    id: eu-west-1_AbCdEf123\nrules:\n  - name: r\n    actions: [reboot]\n")
			},
			check:  "Policy file",
			want:   []string{":6", "reboot", "resetbot policy check -f"},
			report: []string{"skip  Pools: not checked: they are named in the policy file, which did not load", "ok    AWS credentials: found", "ok    Store sqlite:"},
			code:   exitUsage,
		},
		{
			name: "policy for another workspace",
			break_: func(t *testing.T, f *fixture) {
				writeFile(t, f.env["RESETBOT_POLICY_FILE"], strings.Replace(readFile(t, examplePolicy), exampleTeam, "T0ELSEWHERE", 1))
			},
			check:  "Policy file",
			want:   []string{"allows the workspace T0ELSEWHERE", "installed in example (" + exampleTeam + ")", "workspace.teams"},
			report: []string{"ok    Pool prod (" + prodPoolID + ")", "ok    Pool staging (" + stagingPoolID + ")"},
			code:   exitUsage,
		},
		{
			name:   "policy file missing",
			break_: func(t *testing.T, f *fixture) { f.env["RESETBOT_POLICY_FILE"] = filepath.Join(f.dir, "nowhere.yaml") },
			check:  "Policy file",
			want:   []string{"nowhere.yaml", "no such file"},
			report: []string{"skip  Pools: not checked"},
			code:   exitUsage,
		},
		{
			name: "no AWS credentials",
			break_: func(_ *testing.T, f *fixture) {
				delete(f.env, "AWS_ACCESS_KEY_ID")
				delete(f.env, "AWS_SECRET_ACCESS_KEY")
			},
			check: "AWS credentials",
			want:  []string{"the AWS SDK found no credentials", "IRSA", "task role"},
		},
		{
			name: "pool without IAM permission",
			break_: func(_ *testing.T, f *fixture) {
				f.cognito.Inject(cognitotest.Fault{Op: "DescribeUserPool", Code: "AccessDeniedException",
					Message: "User: arn:aws:sts::123456789012:assumed-role/resetbot/x is not authorized to perform: cognito-idp:DescribeUserPool on resource: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/" + prodPoolID})
			},
			check: "Pool prod",
			want:  []string{"cognito-idp:DescribeUserPool", "deploy/iam-policy.json"},
		},
		{
			name: "role may not change users",
			break_: func(_ *testing.T, f *fixture) {
				for _, op := range []string{"AdminResetUserPassword", "AdminUserGlobalSignOut"} {
					f.cognito.Inject(cognitotest.Fault{Op: op, Code: "AccessDeniedException",
						Message: "User: arn:aws:sts::123456789012:assumed-role/resetbot/x is not authorized to perform: cognito-idp:" + op})
				}
			},
			check: "Pool prod",
			want:  []string{"may not call cognito-idp:AdminResetUserPassword, cognito-idp:AdminUserGlobalSignOut on pool prod", "deploy/iam-policy.json"},
		},
		{
			name: "pool that does not exist",
			break_: func(t *testing.T, f *fixture) {
				writeFile(t, f.env["RESETBOT_POLICY_FILE"], strings.Replace(readFile(t, examplePolicy), stagingPoolID, "us-east-1_Nowhere01", 1))
			},
			check: "Pool staging",
			want:  []string{"us-east-1_Nowhere01", "us-east-1"},
		},
		{
			name: "Cognito throttles",
			break_: func(_ *testing.T, f *fixture) {
				f.cognito.Inject(cognitotest.Fault{Op: "DescribeUserPool", Code: "TooManyRequestsException"})
			},
			check: "Pool prod",
			want:  []string{"throttling", "wait a minute"},
		},
		{
			name: "AWS refuses the credentials",
			break_: func(_ *testing.T, f *fixture) {
				f.cognito.Inject(cognitotest.Fault{Op: "DescribeUserPool", Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."})
			},
			check: "Pool prod",
			want:  []string{"AWS refused the bot's credentials (UnrecognizedClientException)", "an AWS identity that AWS accepts"},
		},
		{
			name:   "Cognito unreachable",
			break_: func(_ *testing.T, f *fixture) { f.env["RESETBOT_COGNITO_ENDPOINT"] = "http://127.0.0.1:1" },
			check:  "Pool prod",
			want:   []string{"127.0.0.1:1"},
		},
		{
			name: "store not writable",
			break_: func(t *testing.T, f *fixture) {
				blocker := filepath.Join(f.dir, "a-file")
				writeFile(t, blocker, "not a directory")
				f.env["RESETBOT_STORE"] = "sqlite:" + filepath.Join(blocker, "resetbot.db")
			},
			check: "Store sqlite:",
			want:  []string{"a-file/resetbot.db", "writable by the user resetbot runs as"},
		},
		{
			name: "store open in a serving process",
			break_: func(t *testing.T, f *fixture) {
				path := strings.TrimPrefix(f.env["RESETBOT_STORE"], "sqlite:")
				db, err := sqlite.Open(t.Context(), path, slog.New(slog.DiscardHandler))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = db.Close() })
			},
			check: "Store sqlite:",
			want:  []string{"in use by another process", "only one may", "/readyz"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			tt.break_(t, f)
			code, report := runCheck(t, f)
			if want := cmp.Or(tt.code, exitFail); code != want {
				t.Errorf("check exited %d, want %d", code, want)
			}
			line := checkLine(t, report, tt.check)
			if !strings.HasPrefix(line, "FAIL") {
				t.Errorf("%s did not fail:\n%s", tt.check, report)
			}
			for _, w := range tt.want {
				if !strings.Contains(line, w) {
					t.Errorf("%s's line lacks %q:\n%s", tt.check, w, line)
				}
			}
			if !strings.Contains(line, "fix: ") {
				t.Errorf("%s's failure says no fix:\n%s", tt.check, line)
			}
			for _, w := range tt.report {
				if !strings.Contains(report, w) {
					t.Errorf("report lacks %q:\n%s", w, report)
				}
			}
			if !strings.Contains(report, "resetbot is not ready") {
				t.Errorf("no verdict:\n%s", report)
			}
		})
	}
}

func TestCheckFailsOnAMisspelledVariable(t *testing.T) {
	f := newFixture(t)
	f.env["RESETBOT_DRYRUN"] = "true"
	code, report := runCheck(t, f)
	if code != exitUsage {
		t.Errorf("check exited %d, want %d", code, exitUsage)
	}
	line := checkLine(t, report, "Environment")
	for _, want := range []string{"FAIL", "RESETBOT_DRYRUN is set, but resetbot reads no such variable", "resetbot --help"} {
		if !strings.Contains(line, want) {
			t.Errorf("line lacks %q:\n%s", want, line)
		}
	}
}

// TestCheckSaysWhyACheckDidNotRun: a check that needs a variable the configuration could not
// use names it, and says whether it is unset or wrong.
func TestCheckSaysWhyACheckDidNotRun(t *testing.T) {
	_, unusable := configResults([]configProblem{
		{keys: []string{"RESETBOT_SLACK_BOT_TOKEN"}, err: errors.New("RESETBOT_SLACK_BOT_TOKEN is not set"), missing: true},
		{keys: []string{"RESETBOT_SLACK_API_URL"}, err: errors.New(`RESETBOT_SLACK_API_URL "x" is not an http(s) URL`)},
	})
	p := &preflight{unusable: unusable}
	got := p.missing([]string{"RESETBOT_SLACK_BOT_TOKEN", "RESETBOT_SLACK_API_URL", "RESETBOT_POLICY_FILE"})
	want := "RESETBOT_SLACK_BOT_TOKEN is not set; RESETBOT_SLACK_API_URL is not usable (see Configuration above)"
	if got != want {
		t.Errorf("missing = %q, want %q", got, want)
	}
	if got := p.missing([]string{"RESETBOT_POLICY_FILE"}); got != "" {
		t.Errorf("missing of a usable variable = %q, want none", got)
	}
}

// TestCheckNeedsKnownVariables holds what each check says it needs to the variables resetbot reads.
func TestCheckNeedsKnownVariables(t *testing.T) {
	known := map[string]bool{}
	for _, v := range configVars() {
		known[v.Key] = true
	}
	for _, c := range (&preflight{}).checks() {
		for _, k := range c.needs {
			if !known[k] {
				t.Errorf("check %q needs %s, which resetbot does not read", c.name, k)
			}
		}
	}
}

// scopeProxy fronts the fake Slack with a proxy that reports the given scopes in
// X-OAuth-Scopes, as Slack does on every Web API answer, and returns its API URL.
func scopeProxy(t *testing.T, f *fixture, scopes string) string {
	t.Helper()
	return slackProxy(t, f, func(r *http.Response) error {
		r.Header.Set("X-OAuth-Scopes", scopes)
		return nil
	})
}

// slackProxy fronts the fake Slack with a proxy that changes its answers, and returns its API URL.
func slackProxy(t *testing.T, f *fixture, modify func(*http.Response) error) string {
	t.Helper()
	target, err := url.Parse(f.slack.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = modify
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL + "/api/"
}

// rewriteJSON changes a JSON answer's body.
func rewriteJSON(r *http.Response, change func(map[string]any)) error {
	var m map[string]any
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		return err
	}
	r.Body.Close()
	change(m)
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	r.Header.Set("Content-Length", strconv.Itoa(len(b)))
	return nil
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCheckProbesEveryActionAndChangesNothing checks that check tries every action the bot
// calls on every pool, on a user no pool has, and leaves the users as they were.
func TestCheckProbesEveryActionAndChangesNothing(t *testing.T) {
	f := newFixture(t)
	code, report := runCheck(t, f)
	if code != exitOK {
		t.Fatalf("check exited %d, want 0:\n%s", code, report)
	}
	for _, op := range cognito.Operations() {
		if got := f.cognito.Calls(op); got < 2 {
			t.Errorf("%s was called %d times; want once per pool at least", op, got)
		}
	}
	if line := checkLine(t, report, "Pool prod"); !strings.Contains(line, "may call every action the bot calls") {
		t.Errorf("pool line %q does not say the role may call every action", line)
	}
	if got := len(f.cognito.Sent(prodPoolID, targetUser)); got != 0 {
		t.Errorf("check made Cognito send %d messages to %s", got, targetUser)
	}
	if got := f.cognito.Calls("AdminCreateUser"); got != 0 {
		t.Errorf("check created %d users", got)
	}
}

// TestCheckInADryRunNeedsOnlyReads checks that a dry run, which changes nothing in Cognito,
// is not failed for a role that may only read.
func TestCheckInADryRunNeedsOnlyReads(t *testing.T) {
	f := newFixture(t)
	f.env["RESETBOT_DRY_RUN"] = "true"
	for op := range iamProbes {
		if !slices.Contains(readOperations(), op) {
			f.cognito.Inject(cognitotest.Fault{Op: op, Code: "AccessDeniedException"})
		}
	}
	code, report := runCheck(t, f)
	if code != exitOK {
		t.Fatalf("check exited %d, want 0:\n%s", code, report)
	}
	if line := checkLine(t, report, "Pool prod"); !strings.Contains(line, "a dry run") {
		t.Errorf("pool line %q does not say only a dry run's actions were checked", line)
	}
}

// TestIAMProbesCoverEveryOperation holds the probes to what the cognito package can call.
func TestIAMProbesCoverEveryOperation(t *testing.T) {
	want := slices.DeleteFunc(cognito.Operations(), func(op string) bool { return op == "DescribeUserPool" })
	got := slices.Sorted(maps.Keys(iamProbes))
	slices.Sort(want)
	if diff := gocmp.Diff(got, want); diff != "" {
		t.Errorf("iamProbes vs cognito.Operations() without DescribeUserPool (-probes +operations):\n%s", diff)
	}
}
