package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// writeUsage prints the commands and every configuration variable with its default.
func writeUsage(w io.Writer) {
	say(w, "resetbot resets Amazon Cognito passwords from Slack, under an approval policy.\n\n")
	say(w, "Usage:\n  resetbot [command] [arguments]\n\nCommands:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands() {
		say(tw, "  %s\t%s\n", c.name, c.summary)
	}
	_ = tw.Flush()
	say(w, "\nExit status:\n")
	for _, e := range exitCodes {
		say(w, "  %d  %s\n", e.code, e.meaning)
	}
	say(w, "\nConfiguration (environment variables; AWS credentials and region come from the\nSDK's default chain: AWS_REGION, AWS_PROFILE, IRSA, the ECS task role, …):\n\n")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	say(tw, "  VARIABLE\tDEFAULT\tDESCRIPTION\n")
	for _, v := range configVars() {
		say(tw, "  %s\t%s\t%s\n", v.Key, usageDefault(v), v.Desc)
	}
	_ = tw.Flush()
}

// usageDefault shows a variable's default, or says it is required or optional.
func usageDefault(v configVar) string {
	switch {
	case v.Default != "":
		return v.Default
	case v.Mandatory:
		return "(required)"
	}
	return "(none)"
}

// markdownConfigTable is the README's table of variables, generated from Config.
func markdownConfigTable() string {
	var b strings.Builder
	b.WriteString("| Variable | Default | Description |\n|---|---|---|\n")
	for _, v := range configVars() {
		def := "`" + v.Default + "`"
		if v.Default == "" {
			def = usageDefault(v)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", v.Key, def, strings.ReplaceAll(v.Desc, "|", `\|`))
	}
	return b.String()
}

// markdownExitTable is the README's table of exit codes, generated from exitCodes.
func markdownExitTable() string {
	var b strings.Builder
	b.WriteString("| exit | meaning |\n|---|---|\n")
	for _, e := range exitCodes {
		fmt.Fprintf(&b, "| %d | %s |\n", e.code, e.meaning)
	}
	return b.String()
}
