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
	ctx, cancel := stopOnSignal(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()
	return dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
}

// stopOnSignal returns a context cancelled by the first of sigs. Before it is cancelled, the
// signals get their default action back, so a second one stops the process at once instead of
// waiting out the shutdown grace.
func stopOnSignal(parent context.Context, sigs ...os.Signal) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	go func() {
		select {
		case <-ch:
		case <-ctx.Done():
		}
		signal.Stop(ch)
		cancel()
	}()
	return ctx, cancel
}
