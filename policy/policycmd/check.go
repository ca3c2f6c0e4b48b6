package policycmd

import (
	"fmt"
	"strings"

	"github.com/resetbot/resetbot/internal/words"
	"github.com/resetbot/resetbot/policy/policyfile"
)

func runCheck(args []string, stdout, stderr *strings.Builder) int {
	fs := newFlags("check", "-f policy.yaml [--strict]", stderr)
	file := fs.String("f", "", "the policy file (required)")
	strict := fs.Bool("strict", false, "count warnings as errors (exit 2)")
	if status, ok := parseFlags(fs, args); !ok {
		return status
	}
	if *file == "" {
		return usageError(fs, "-f names the policy file")
	}
	p, ok := load(*file, stderr)
	if !ok {
		return exitBad
	}
	describePolicy(stdout, p)
	warnings := policyfile.Lint(p)
	if len(warnings) > 0 {
		fmt.Fprintf(stdout, "\n%d %s:\n", len(warnings), words.Plural(len(warnings), "warning", "warnings"))
		for _, w := range warnings {
			fmt.Fprintf(stdout, "  %s\n", w)
		}
	}
	if *strict && len(warnings) > 0 {
		fmt.Fprintf(stderr, "%s: not accepted with --strict: %d %s\n", *file, len(warnings), words.Plural(len(warnings), "warning", "warnings"))
		return exitBad
	}
	return exitOK
}
