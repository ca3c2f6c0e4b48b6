package policycmd

import (
	"fmt"
	"io"
	"strings"
)

// Exit statuses.
const (
	exitOK     = 0 // the file is valid; the request is allowed
	exitDenied = 1 // the request is denied, or the approver may not approve
	exitBad    = 2 // the file is invalid, or the command line is wrong
)

// subcommand is one of `resetbot policy`'s.
type subcommand struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr *strings.Builder) int
}

// subcommands is the routing table.
func subcommands() []subcommand {
	return []subcommand{
		{"check", "validate a policy file and say what each rule does", runCheck},
		{"test", "decide one request: allowed or denied, by which rule, who may approve", runTest},
	}
}

var helpArgs = map[string]bool{"-h": true, "-help": true, "--help": true, "help": true}

// Run runs `resetbot policy` with the arguments that follow "policy", and returns the exit
// status: 0 valid or allowed, 1 denied, 2 an invalid file or a wrong command line.
func Run(args []string, stdout, stderr io.Writer) int {
	var out, errs strings.Builder
	status := run(args, &out, &errs)
	if _, err := io.WriteString(stdout, out.String()); err != nil {
		return exitBad
	}
	if _, err := io.WriteString(stderr, errs.String()); err != nil {
		return exitBad
	}
	return status
}

// run routes to the subcommand; output is collected and written by Run.
func run(args []string, stdout, stderr *strings.Builder) int {
	if len(args) == 0 {
		usage(stderr)
		return exitBad
	}
	if helpArgs[args[0]] {
		usage(stdout)
		return exitOK
	}
	for _, c := range subcommands() {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "resetbot policy: unknown subcommand %q\n\n", args[0])
	usage(stderr)
	return exitBad
}

func usage(w *strings.Builder) {
	fmt.Fprintln(w, "Usage: resetbot policy <subcommand> -f policy.yaml [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Subcommands:")
	for _, c := range subcommands() {
		fmt.Fprintf(w, "  %-6s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "resetbot policy <subcommand> -h lists its flags.")
	fmt.Fprintln(w, "Exit status: 0 valid or allowed, 1 denied, 2 an invalid file or a wrong command line.")
}
