package main

import (
	"context"
	"io"

	"github.com/resetbot/resetbot/policy/policycmd"
)

// cmdPolicy is `resetbot policy check|test`: the policy file without Slack or AWS.
func cmdPolicy(_ context.Context, args []string, stdout, stderr io.Writer) int {
	return policycmd.Run(args, stdout, stderr)
}
