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
	OK     bool
	Detail string // what was found, or what is wrong
	Fix    string // how to fix it, when it failed
}

func pass(name, format string, args ...any) checkResult {
	return checkResult{Name: name, OK: true, Detail: fmt.Sprintf(format, args...)}
}

func fail(name string, p problem) checkResult {
	return checkResult{Name: name, Detail: p.what, Fix: p.fix}
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
	team       slackTeam     // set by checkBotToken
	policyRead bool          // set by checkPolicy when the file loaded
	pools      []policy.Pool // set by checkPolicy
}

// slackTeam is the workspace the bot token is installed in.
type slackTeam struct {
	ID, Name, Enterprise string
}

// checks is the preflight, in order: Slack, the policy, Cognito for each pool, the store.
func (p *preflight) checks() []func(ctx context.Context) []checkResult {
	return []func(ctx context.Context) []checkResult{
		p.checkEnvironment,
		one(p.checkBotToken),
		one(p.checkAppToken),
		one(p.checkPolicy),
		p.checkPools,
		one(p.checkStore),
	}
}

// checkEnvironment fails on RESETBOT_ variables resetbot does not read: a typo such as
// RESETBOT_DRYRUN would otherwise be ignored in silence.
func (p *preflight) checkEnvironment(context.Context) []checkResult {
	var out []checkResult
	for _, k := range unknownVariables(os.Environ()) {
		out = append(out, fail("Environment", problem{
			k + " is set, but resetbot reads no such variable",
			"correct its name or unset it; resetbot --help lists the variables"}))
	}
	return out
}

func one(f func(ctx context.Context) checkResult) func(ctx context.Context) []checkResult {
	return func(ctx context.Context) []checkResult { return []checkResult{f(ctx)} }
}

// run runs every check, each under checkTimeout.
func (p *preflight) run(ctx context.Context) []checkResult {
	var out []checkResult
	for _, c := range p.checks() {
		cctx, cancel := context.WithTimeout(ctx, checkTimeout)
		out = append(out, c(cctx)...)
		cancel()
	}
	return out
}

// cmdCheck is `resetbot check`: it says what keeps resetbot from working, and how to fix it.
func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if code, ok := noArgs("check", args, stdout, stderr); !ok {
		return code
	}
	cfg, err := LoadConfig()
	if err != nil {
		configError(stdout, err)
		say(stdout, "\nFix the configuration first; the other checks need it.\n")
		return exitFail
	}
	// The checks report in plain words; the log only carries what the adapters say in passing.
	log := newLogger(stderr, cfg.LogFormat, slogLevelAbove(cfg.LogLevel))
	p := &preflight{cfg: cfg, log: log}
	results := p.run(ctx)
	writeReport(stdout, results)
	for _, r := range results {
		if !r.OK {
			return exitFail
		}
	}
	return exitOK
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
	passed := 0
	for _, r := range results {
		mark := "FAIL"
		if r.OK {
			mark = "ok"
			passed++
		}
		say(w, "%-4s  %s: %s\n", mark, r.Name, indentRest(r.Detail, "      "))
		if !r.OK && r.Fix != "" {
			say(w, "      fix: %s\n", indentRest(r.Fix, "      "))
		}
	}
	if passed == len(results) {
		say(w, "\nAll %d checks passed: resetbot is ready to serve.\n", len(results))
		return
	}
	say(w, "\n%d of %d checks failed: resetbot is not ready.\n", len(results)-passed, len(results))
}

// indentRest indents every line after the first.
func indentRest(s, indent string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+indent)
}
