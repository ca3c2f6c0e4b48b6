package policycmd

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/resetbot/resetbot/policy"
	"github.com/resetbot/resetbot/policy/policyfile"
)

// command is a subcommand's flag set and where its errors go.
type command struct {
	*flag.FlagSet
	stderr *strings.Builder
}

// newFlags makes a subcommand's flag set, writing its errors and help to stderr.
func newFlags(name, synopsis string, stderr *strings.Builder) command {
	fs := flag.NewFlagSet("resetbot policy "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: resetbot policy %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return command{fs, stderr}
}

// usageError reports a wrong command line.
func usageError(c command, format string, args ...any) int {
	fmt.Fprintf(c.stderr, "%s: %s\n", c.Name(), fmt.Sprintf(format, args...))
	fmt.Fprintf(c.stderr, "%s -h lists the flags.\n", c.Name())
	return exitBad
}

// parseFlags parses args; ok is false when the command should stop with the status returned.
func parseFlags(fs command, args []string) (status int, ok bool) {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK, false
	case err != nil:
		return exitBad, false
	case fs.NArg() > 0:
		return usageError(fs, "unexpected argument %q (flags come as -name value)", fs.Arg(0)), false
	}
	return exitOK, true
}

// load loads the policy file, printing every error when it is invalid.
func load(path string, stderr *strings.Builder) (*policy.Policy, bool) {
	p, err := policyfile.Load(path)
	if err == nil {
		return p, true
	}
	var list policyfile.ErrorList
	if !errors.As(err, &list) {
		fmt.Fprintf(stderr, "%v\n", err)
		return nil, false
	}
	fmt.Fprintln(stderr, list) // the first policyfile.MaxShown errors, and how many more
	fmt.Fprintf(stderr, "%s: not valid: %s\n", path, list.Count())
	return nil, false
}
