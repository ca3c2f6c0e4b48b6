package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kelseyhightower/envconfig"

	"github.com/resetbot/resetbot/internal/secret"
)

// clearEnv unsets every RESETBOT_ variable for the test's duration.
func clearEnv(t *testing.T) {
	t.Helper()
	keys := unknownVariables(os.Environ())
	for _, v := range configVars() {
		keys = append(keys, v.Key)
	}
	for _, k := range keys {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// setEnv sets variables for the test's duration.
func setEnv(t *testing.T, env map[string]string) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
}

// validEnv is the least a working configuration needs.
func validEnv() map[string]string {
	return map[string]string{
		"RESETBOT_SLACK_APP_TOKEN": "xapp-1-A0-123-SeCrEtVaLuE",
		"RESETBOT_SLACK_BOT_TOKEN": "xoxb-1-2-SeCrEtVaLuE",
		"RESETBOT_POLICY_FILE":     "/etc/resetbot/policy.yaml",
	}
}

func TestLoadConfigDefaults(t *testing.T) {
	clearEnv(t)
	setEnv(t, validEnv())
	got, err := LoadConfig()
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	want := Config{
		SlackAppToken:          secret.New("xapp-1-A0-123-SeCrEtVaLuE"),
		SlackBotToken:          secret.New("xoxb-1-2-SeCrEtVaLuE"),
		PolicyFile:             "/etc/resetbot/policy.yaml",
		Store:                  StoreURL{Scheme: "sqlite", Path: "./resetbot.db"},
		Command:                "/cognito",
		HTTPAddr:               ":8080",
		LogLevel:               slog.LevelInfo,
		LogFormat:              LogJSON,
		ShutdownGrace:          30 * time.Second,
		SweepInterval:          30 * time.Second,
		RunLease:               2 * time.Minute,
		PermanentPasswordDMTTL: 15 * time.Minute,
		Workers:                512,
		WorkQueue:              10000,
		MemoryLimitMiB:         88,
		Profiling:              false,
		AuditLog:               true,
	}
	if diff := cmp.Diff(got, want, cmp.Comparer(func(a, b secret.Secret) bool { return a.Reveal() == b.Reveal() })); diff != "" {
		t.Errorf("LoadConfig (-got +want):\n%s", diff)
	}
}

func TestLoadConfigEverySetting(t *testing.T) {
	clearEnv(t)
	setEnv(t, validEnv())
	setEnv(t, map[string]string{
		"RESETBOT_STORE":            "sqlite:/data/resetbot.db",
		"RESETBOT_COMMAND":          "/reset",
		"RESETBOT_HTTP_ADDR":        "127.0.0.1:9090",
		"RESETBOT_LOG_LEVEL":        "debug",
		"RESETBOT_LOG_FORMAT":       "text",
		"RESETBOT_DRY_RUN":          "true",
		"RESETBOT_SHUTDOWN_GRACE":   "1m30s",
		"RESETBOT_SLACK_API_URL":    "http://127.0.0.1:3000/api",
		"RESETBOT_COGNITO_ENDPOINT": "http://127.0.0.1:9229",
	})
	got, err := LoadConfig()
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	type view struct {
		Store                         StoreURL
		Command, HTTPAddr             string
		LogLevel                      slog.Level
		LogFormat                     LogFormat
		DryRun                        bool
		ShutdownGrace                 time.Duration
		SlackAPIBase, CognitoEndpoint string
	}
	want := view{
		Store: StoreURL{"sqlite", "/data/resetbot.db"}, Command: "/reset", HTTPAddr: "127.0.0.1:9090",
		LogLevel: slog.LevelDebug, LogFormat: LogText, DryRun: true, ShutdownGrace: 90 * time.Second,
		SlackAPIBase: "http://127.0.0.1:3000/api/", CognitoEndpoint: "http://127.0.0.1:9229",
	}
	gotView := view{got.Store, got.Command, got.HTTPAddr, got.LogLevel, got.LogFormat, got.DryRun,
		got.ShutdownGrace, got.SlackAPIBase(), got.CognitoEndpoint}
	if diff := cmp.Diff(gotView, want); diff != "" {
		t.Errorf("LoadConfig (-got +want):\n%s", diff)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string // on top of validEnv; "" unsets
		want []string          // each must appear in the error
		not  []string          // none may
	}{
		{
			name: "nothing set",
			env:  map[string]string{"RESETBOT_SLACK_APP_TOKEN": "", "RESETBOT_SLACK_BOT_TOKEN": "", "RESETBOT_POLICY_FILE": ""},
			want: []string{"RESETBOT_SLACK_APP_TOKEN is not set", "RESETBOT_SLACK_BOT_TOKEN is not set", "RESETBOT_POLICY_FILE is not set"},
		},
		{
			name: "tokens swapped",
			env:  map[string]string{"RESETBOT_SLACK_APP_TOKEN": "xoxb-1-SeCrEtVaLuE", "RESETBOT_SLACK_BOT_TOKEN": "xapp-1-SeCrEtVaLuE"},
			want: []string{"RESETBOT_SLACK_APP_TOKEN does not start with xapp-", "RESETBOT_SLACK_BOT_TOKEN does not start with xoxb-", "Basic Information", "OAuth & Permissions"},
		},
		{
			name: "user token for the bot",
			env:  map[string]string{"RESETBOT_SLACK_BOT_TOKEN": "xoxp-1-SeCrEtVaLuE"},
			want: []string{"RESETBOT_SLACK_BOT_TOKEN does not start with xoxb-"},
		},
		{
			name: "white space inside a token",
			env:  map[string]string{"RESETBOT_SLACK_BOT_TOKEN": "xoxb-1-SeCrEtVaLuE pasted twice"},
			want: []string{"RESETBOT_SLACK_BOT_TOKEN holds white space", "copy the token alone"},
		},
		{
			name: "store scheme",
			env:  map[string]string{"RESETBOT_STORE": "mysql://db/resetbot"},
			want: []string{"RESETBOT_STORE", `store scheme "mysql" is not supported`},
		},
		{
			name: "postgres store without a database",
			env:  map[string]string{"RESETBOT_STORE": "postgres://bot:SeCrEtVaLuE@db"},
			want: []string{"RESETBOT_STORE", "names no database"},
		},
		{
			name: "log format",
			env:  map[string]string{"RESETBOT_LOG_FORMAT": "xml"},
			want: []string{"RESETBOT_LOG_FORMAT", `"xml" is not json or text`},
		},
		{
			name: "log level",
			env:  map[string]string{"RESETBOT_LOG_LEVEL": "loud"},
			want: []string{"RESETBOT_LOG_LEVEL"},
		},
		{
			name: "command without slash",
			env:  map[string]string{"RESETBOT_COMMAND": "cognito"},
			want: []string{`RESETBOT_COMMAND "cognito" is not a slash command`},
		},
		{
			name: "listen address",
			env:  map[string]string{"RESETBOT_HTTP_ADDR": "8080"},
			want: []string{`RESETBOT_HTTP_ADDR "8080" is not host:port`},
		},
		{
			name: "grace",
			env:  map[string]string{"RESETBOT_SHUTDOWN_GRACE": "soon"},
			want: []string{"RESETBOT_SHUTDOWN_GRACE"},
		},
		{
			name: "every value that does not parse, and nothing more about it",
			env:  map[string]string{"RESETBOT_WORKERS": "many", "RESETBOT_SHUTDOWN_GRACE": "soon", "RESETBOT_COMMAND": "cognito"},
			want: []string{"RESETBOT_WORKERS: ", "RESETBOT_SHUTDOWN_GRACE: ", `RESETBOT_COMMAND "cognito" is not a slash command`},
			not:  []string{"RESETBOT_WORKERS 0 is below 1"},
		},
		{
			name: "negative grace",
			env:  map[string]string{"RESETBOT_SHUTDOWN_GRACE": "-1s"},
			want: []string{"RESETBOT_SHUTDOWN_GRACE -1s is negative"},
		},
		{
			name: "sweep and lease",
			env:  map[string]string{"RESETBOT_SWEEP_INTERVAL": "0s", "RESETBOT_RUN_LEASE": "5s"},
			want: []string{"RESETBOT_SWEEP_INTERVAL 0s must be positive", "RESETBOT_RUN_LEASE 5s is shorter than 10s"},
		},
		{
			name: "work pool and memory",
			env:  map[string]string{"RESETBOT_WORKERS": "0", "RESETBOT_WORK_QUEUE": "-5", "RESETBOT_MEMORY_LIMIT_MIB": "-1"},
			want: []string{"RESETBOT_WORKERS 0 is below 1", "RESETBOT_WORK_QUEUE -5 is below 1", "RESETBOT_MEMORY_LIMIT_MIB -1 is negative"},
		},
		{
			name: "endpoints",
			env:  map[string]string{"RESETBOT_SLACK_API_URL": "slack.local/api", "RESETBOT_COGNITO_ENDPOINT": "ftp://x"},
			want: []string{`RESETBOT_SLACK_API_URL "slack.local/api" is not an http(s) URL`, `RESETBOT_COGNITO_ENDPOINT "ftp://x" is not an http(s) URL`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			setEnv(t, validEnv())
			for k, v := range tt.env {
				t.Setenv(k, v)
				if v == "" {
					os.Unsetenv(k)
				}
			}
			_, err := LoadConfig()
			if err == nil {
				t.Fatal("LoadConfig succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(err.Error(), w) {
					t.Errorf("error holds %q:\n%v", w, err)
				}
			}
			if strings.Contains(err.Error(), "SeCrEtVaLuE") {
				t.Errorf("error shows a token: %v", err)
			}
		})
	}
}

// TestConfigReadAtOnceAsEachOnItsOwn: the configuration read all at once (as every start
// that has nothing wrong does) is the one read a variable at a time, problems included.
func TestConfigReadAtOnceAsEachOnItsOwn(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string // on top of validEnv
		problems bool
	}{
		{"defaults", nil, false},
		{"every variable set", map[string]string{
			"RESETBOT_STORE": "postgres://db.internal/resetbot", "RESETBOT_STORE_PASSWORD_FILE": "/run/secrets/pg",
			"RESETBOT_STORE_IAM_AUTH": "false", "RESETBOT_COMMAND": "/reset", "RESETBOT_HTTP_ADDR": "127.0.0.1:9090",
			"RESETBOT_LOG_LEVEL": "warn", "RESETBOT_LOG_FORMAT": "TEXT", "RESETBOT_DRY_RUN": "true",
			"RESETBOT_AUDIT_LOG": "false", "RESETBOT_SHUTDOWN_GRACE": "1m", "RESETBOT_SWEEP_INTERVAL": "10s",
			"RESETBOT_RUN_LEASE": "3m", "RESETBOT_PERMANENT_PASSWORD_DM_TTL": "5m",
			"RESETBOT_SLACK_API_URL": "http://127.0.0.1:3000/api", "RESETBOT_COGNITO_ENDPOINT": "http://127.0.0.1:9229",
			"RESETBOT_WORKERS": "64", "RESETBOT_WORK_QUEUE": "100", "RESETBOT_MEMORY_LIMIT_MIB": "256", "RESETBOT_PPROF": "true",
		}, false},
		{"values that parse but are wrong", map[string]string{
			"RESETBOT_SLACK_APP_TOKEN": "xoxb-not-an-app-token", "RESETBOT_COMMAND": "reset", "RESETBOT_WORKERS": "0",
		}, true},
	}
	for _, v := range configVars() { // "every variable set" sets every variable
		if _, ok := validEnv()[v.Key]; !ok && tests[1].env[v.Key] == "" {
			t.Fatalf("%s is not set in %q", v.Key, tests[1].name)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			setEnv(t, validEnv())
			setEnv(t, tt.env)
			atOnce, atOnceProblems := readConfig()
			each, eachProblems := readEachVariable()
			if got := len(atOnceProblems) > 0; got != tt.problems {
				t.Errorf("problems %v, want some: %v", atOnceProblems, tt.problems)
			}
			if diff := cmp.Diff(atOnce, each, cmp.Exporter(func(reflect.Type) bool { return true })); diff != "" {
				t.Errorf("config read at once (-) and each on its own (+):\n%s", diff)
			}
			if diff := cmp.Diff(fmt.Sprint(joinProblems(atOnceProblems)), fmt.Sprint(joinProblems(eachProblems))); diff != "" {
				t.Errorf("problems read at once (-) and each on its own (+):\n%s", diff)
			}
		})
	}
}

// TestConfigVarsMatchEnvconfig holds the help text's keys and defaults to the ones envconfig reads.
func TestConfigVarsMatchEnvconfig(t *testing.T) {
	var b bytes.Buffer
	err := envconfig.Usagef(envPrefix, &Config{}, &b, "{{range .}}{{usage_key .}}={{usage_default .}}\n{{end}}")
	if err != nil {
		t.Fatal(err)
	}
	var mine []string
	for _, v := range configVars() {
		mine = append(mine, v.Key+"="+v.Default)
		if v.Desc == "" {
			t.Errorf("%s has no desc tag", v.Key)
		}
	}
	if diff := cmp.Diff(mine, strings.Fields(b.String())); diff != "" {
		t.Errorf("configVars vs envconfig (-got +want):\n%s", diff)
	}
}

func TestHelpListsEveryVariable(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"serve", "--help"}} {
		var out, errOut bytes.Buffer
		if code := dispatch(t.Context(), args, &out, &errOut); code != exitOK {
			t.Fatalf("%v: exit %d, stderr %s", args, code, errOut.String())
		}
		for _, v := range configVars() {
			line := v.Key + "  "
			if !strings.Contains(out.String(), line) || !strings.Contains(out.String(), usageDefault(v)) {
				t.Errorf("%v: help lacks %s with default %q:\n%s", args, v.Key, usageDefault(v), out.String())
			}
		}
	}
}

// TestREADMEConfigTable holds the README's table of variables to the Config struct.
func TestREADMEConfigTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := markdownConfigTable()
	if !strings.Contains(string(readme), want) {
		t.Errorf("README.md does not contain the configuration table generated from Config; paste this:\n%s", want)
	}
}

func TestUnknownVariables(t *testing.T) {
	got := unknownVariables([]string{
		"RESETBOT_DRYRUN=true", "RESETBOT_DRY_RUN=true", "PATH=/bin", "RESETBOT_STORE=sqlite:x",
		"RESETBOT_SLACK_TOKEN=xoxb-SeCrEt", "NOT_RESETBOT_X=1", "RESETBOT=1",
	})
	if diff := cmp.Diff(got, []string{"RESETBOT_DRYRUN", "RESETBOT_SLACK_TOKEN"}); diff != "" {
		t.Errorf("unknownVariables (-got +want):\n%s", diff)
	}
}
