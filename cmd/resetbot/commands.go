package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Exit codes, the same for every command: serve and check exit with the same code for the same
// problem. When check finds several, the configuration's wins, since it is fixed first.
// resetbot policy (package policycmd) has the same codes under its own names;
// TestPolicyCommandExitsAlike holds them together.
const (
	exitOK    = 0
	exitFail  = 1 // something resetbot needs failed: Slack, AWS or the store refused or did not answer, or serve stopped on an error
	exitUsage = 2 // what resetbot was given is wrong: the command line, a RESETBOT_ variable or the policy file
)

// exitCodes says what each exit code means, for the help and the README's table.
var exitCodes = []struct {
	code    int
	meaning string
}{
	{exitOK, "done; for check, resetbot is ready to serve; for policy test, the request is allowed"},
	{exitFail, "Slack, AWS or the store failed or refused, or serve stopped on an error; for policy test, the request is denied"},
	{exitUsage, "the command line, a RESETBOT_ variable or the policy file is wrong"},
}

// badConfig marks an error whose fix is in the configuration (the policy file, a RESETBOT_
// variable): the command exits exitUsage for it, as check does for the same problem.
type badConfig struct{ error }

func (e badConfig) Unwrap() error { return e.error }

// exitCode is the exit code for an error that stopped a command.
func exitCode(err error) int {
	var bc badConfig
	if errors.As(err, &bc) {
		return exitUsage
	}
	return exitFail
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands is the routing table of subcommands; the first is the default.
func commands() []command {
	return []command{
		{"serve", "run the bot (the default)", cmdServe},
		{"demo", "try it in a browser: the bot on a fake Slack and a fake Cognito, no account needed (resetbot demo --help)", cmdDemo},
		{"check", "preflight: Slack tokens and scopes, the policy file, AWS credentials, every pool's IAM permissions, the store", cmdCheck},
		{"audit", "write the audit trail as JSON Lines or CSV, filtered (resetbot audit --help)", cmdAudit},
		{"policy", "test or check a policy file without Slack or AWS (resetbot policy --help)", cmdPolicy},
		{"ready", "exit 0 when the resetbot on this host is ready (its /readyz answers 200): a container health check that needs no shell", cmdReady},
		{"store", "store migrate: apply the store's schema migrations and exit (serve applies them too)", cmdStore},
		{"version", "print the version", cmdVersion},
		{"help", "print this help", cmdHelp},
	}
}

// helpFlags ask for the help at the top level.
var helpFlags = map[string]bool{"-h": true, "-help": true, "--help": true}

// dispatch routes the command line to its subcommand.
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	name := commands()[0].name
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	if helpFlags[name] {
		name = "help"
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, args, stdout, stderr)
		}
	}
	say(stderr, "resetbot: unknown command %q\n\n", name)
	writeUsage(stderr)
	return exitUsage
}

func cmdHelp(_ context.Context, _ []string, stdout, _ io.Writer) int {
	writeUsage(stdout)
	return exitOK
}

func cmdVersion(_ context.Context, _ []string, stdout, _ io.Writer) int {
	say(stdout, "resetbot %s\n", buildVersion())
	return exitOK
}

// noArgs refuses arguments to a command that takes none, and answers -h.
func noArgs(name string, args []string, stdout, stderr io.Writer) (int, bool) {
	if len(args) == 0 {
		return 0, true
	}
	if len(args) == 1 && helpFlags[args[0]] {
		writeUsage(stdout)
		return exitOK, false
	}
	say(stderr, "resetbot %s takes no arguments (got %s); it is configured by RESETBOT_* variables, see resetbot --help\n",
		name, strings.Join(args, " "))
	return exitUsage, false
}

// configError prints every configuration problem, one a line.
func configError(w io.Writer, err error) {
	say(w, "resetbot: the configuration is not usable:\n")
	for line := range strings.SplitSeq(err.Error(), "\n") {
		say(w, "  - %s\n", line)
	}
	say(w, "Every variable and its default: resetbot --help\n")
}

// say prints to w. A failed write to the terminal or a closed pipe is not worth failing a
// command over, so its error is dropped here, in one place.
func say(w io.Writer, format string, args ...any) { _, _ = fmt.Fprintf(w, format, args...) }
