package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() { os.Exit(run()) }

// run executes the command line and returns the exit code. SIGINT and SIGTERM cancel the
// context: serve shuts down gracefully, the other commands stop.
func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
}
