package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/resetbot/resetbot/policy"
)

// checkTimeout bounds each preflight check.
const checkTimeout = 15 * time.Second

// checkResult is one line of the preflight report.
type checkResult struct {
	Name   string
	Status checkStatus
	Detail string // what was found, what is wrong, or why the check did not run
	Fix    string // how to fix it, when it failed
	Exit   int    // when it failed: exitUsage for the configuration, exitFail for the rest
}

// checkStatus is how a check ended.
type checkStatus int

const (
	checkPassed  checkStatus = iota
	checkFailed              // the report's exit code is the most severe failure's
	checkSkipped             // it needs something that failed before; that failure is reported
)

func pass(name, format string, args ...any) checkResult {
	return checkResult{Name: name, Status: checkPassed, Detail: fmt.Sprintf(format, args...)}
}

// fail is a check that found Slack, AWS or the store not ready.
func fail(name string, p problem) checkResult {
	return checkResult{Name: name, Status: checkFailed, Detail: p.what, Fix: p.fix, Exit: exitFail}
}

// misconfigured is a check that found the configuration wrong: serve would stop with the same
// exit code for it.
func misconfigured(name string, p problem) checkResult {
	r := fail(name, p)
	r.Exit = exitUsage
	return r
}

func skip(name, why string) checkResult {
	return checkResult{Name: name, Status: checkSkipped, Detail: "not checked: " + why}
}

// problem is a failure in plain words and what to do about it.
type problem struct {
	what string
	fix  string
}

// preflight runs the checks; later checks read what earlier ones found (the pools come from
// the policy file).
type preflight struct {
	cfg        Config
	log        *slog.Logger
	unusable   map[string]string // variables the configuration could not use: why, in a few words
	team       slackTeam         // set by checkBotToken
	policyRead bool              // set by checkPolicy when the file loaded
	pools      []policy.Pool     // set by checkPolicy
}

// slackTeam is the workspace the bot token is installed in.
type slackTeam struct {
	ID, Name, Enterprise string
}

// check is one step of the preflight.
type check struct {
	name  string   // as the report names it when it is skipped
	needs []string // the variables it cannot run without
	run   func(ctx context.Context) []checkResult
}

// checks is the preflight, in order: Slack, the policy, Cognito for each pool, the store.
func (p *preflight) checks() []check {
	slackAPI := "RESETBOT_SLACK_API_URL"
	return []check{
		{"Environment", nil, p.checkEnvironment},
		{"Slack bot token", []string{"RESETBOT_SLACK_BOT_TOKEN", slackAPI}, one(p.checkBotToken)},
		{"Slack app-level token", []string{"RESETBOT_SLACK_APP_TOKEN", slackAPI}, one(p.checkAppToken)},
		{"Policy file", []string{"RESETBOT_POLICY_FILE"}, one(p.checkPolicy)},
		{"AWS credentials and pools", []string{"RESETBOT_COGNITO_ENDPOINT", "RESETBOT_DRY_RUN"}, p.checkPools},
		{"Store", []string{"RESETBOT_STORE", "RESETBOT_STORE_PASSWORD_FILE", "RESETBOT_STORE_IAM_AUTH"}, one(p.checkStore)},
	}
}

// checkEnvironment fails on RESETBOT_ variables resetbot does not read: a typo such as
// RESETBOT_DRYRUN would otherwise be ignored in silence.
func (p *preflight) checkEnvironment(context.Context) []checkResult {
	var out []checkResult
	for _, k := range unknownVariables(os.Environ()) {
		out = append(out, misconfigured("Environment", problem{
			k + " is set, but resetbot reads no such variable",
			"correct its name or unset it; resetbot --help lists the variables"}))
	}
	return out
}

func one(f func(ctx context.Context) checkResult) func(ctx context.Context) []checkResult {
	return func(ctx context.Context) []checkResult { return []checkResult{f(ctx)} }
}

// run runs every check, each under checkTimeout. A check that needs a variable the
// configuration could not use is reported as not run, and the others still run.
func (p *preflight) run(ctx context.Context) []checkResult {
	var out []checkResult
	for _, c := range p.checks() {
		if why := p.missing(c.needs); why != "" {
			out = append(out, skip(c.name, why))
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, checkTimeout)
		out = append(out, c.run(cctx)...)
		cancel()
	}
	return out
}

// missing says which of the variables the configuration could not use, and why, or "".
func (p *preflight) missing(keys []string) string {
	var whys []string
	for _, k := range keys {
		if why, ok := p.unusable[k]; ok {
			whys = append(whys, k+" "+why)
		}
	}
	return strings.Join(whys, "; ")
}

// configResults reports each configuration problem, and returns the variables the checks cannot use.
func configResults(problems []configProblem) ([]checkResult, map[string]string) {
	var out []checkResult
	unusable := map[string]string{}
	for _, pr := range problems {
		out = append(out, misconfigured("Configuration", problem{pr.err.Error(), "resetbot --help lists every variable, its default and what it is for"}))
		for _, k := range pr.keys {
			unusable[k] = "is not usable (see Configuration above)"
			if pr.missing {
				unusable[k] = "is not set"
			}
		}
	}
	return out, unusable
}

// cmdCheck is `resetbot check`: it says what keeps resetbot from working, and how to fix it.
// Every check that can run does; the exit code is the most severe failure's.
func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if code, ok := noArgs("check", args, stdout, stderr); !ok {
		return code
	}
	cfg, problems := readConfig()
	// The checks report in plain words; the log only carries what the adapters say in passing.
	log := newLogger(stderr, cfg.LogFormat, slogLevelAbove(cfg.LogLevel))
	results, unusable := configResults(problems)
	p := &preflight{cfg: cfg, log: log, unusable: unusable}
	results = append(results, p.run(ctx)...)
	writeReport(stdout, results)
	return reportExit(results)
}

// reportExit is the exit code of a report: exitOK when nothing failed, else the most severe
// failure's, the configuration's (exitUsage) before the rest's (exitFail).
func reportExit(results []checkResult) int {
	code := exitOK
	for _, r := range results {
		switch {
		case r.Status != checkFailed:
		case r.Exit == exitUsage:
			return exitUsage
		default:
			code = exitFail
		}
	}
	return code
}

// slogLevelAbove keeps check's output to the report: adapters' info lines are dropped unless
// the configured level asks for debug.
func slogLevelAbove(l slog.Level) slog.Level {
	if l <= slog.LevelDebug {
		return l
	}
	return slog.LevelWarn
}

// writeReport prints one line per check, the fix under each failure, and a verdict.
func writeReport(w io.Writer, results []checkResult) {
	var failed, skipped int
	for _, r := range results {
		mark := "ok"
		switch r.Status {
		case checkPassed:
		case checkFailed:
			mark = "FAIL"
			failed++
		case checkSkipped:
			mark = "skip"
			skipped++
		}
		say(w, "%-4s  %s: %s\n", mark, r.Name, indentRest(r.Detail, "      "))
		if r.Status == checkFailed && r.Fix != "" {
			say(w, "      fix: %s\n", indentRest(r.Fix, "      "))
		}
	}
	switch {
	case failed == 0 && skipped == 0:
		say(w, "\nAll %d checks passed: resetbot is ready to serve.\n", len(results))
	case skipped == 0:
		say(w, "\n%d of %d checks failed: resetbot is not ready.\n", failed, len(results))
	default:
		say(w, "\n%d of %d checks failed and %d could not run: resetbot is not ready.\n", failed, len(results), skipped)
	}
}

// indentRest indents every line after the first.
func indentRest(s, indent string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+indent)
}
