// Command fakecognito serves the fake Cognito of package cognitotest on a TCP address, so any
// AWS client (the AWS CLI, another language's SDK, the bot itself) can be pointed at it:
//
//	go run ./cognito/cognitotest/cmd/fakecognito -addr 127.0.0.1:9229 -seed pools.json
//	aws --endpoint-url http://127.0.0.1:9229 cognito-idp describe-user-pool --user-pool-id eu-west-1_Example1
//
// The seed format is in the cognitotest package doc. Codes and invitations Cognito would have
// sent are printed on standard output, one line each.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/resetbot/resetbot/cognito/cognitotest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run serves until ctx is done; it returns the process's exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fakecognito", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:9229", "address to listen on")
	seedPath := fs.String("seed", "", "seed file (JSON) with the pools, clients, groups and users to start with")
	region := fs.String("region", "us-east-1", "region of the pools created without an id")
	verbose := fs.Bool("v", false, "log every call on standard error")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		_, _ = fmt.Fprintf(stderr, "fakecognito: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if err := serve(ctx, *addr, *seedPath, *region, *verbose, stdout, stderr); err != nil {
		_, _ = fmt.Fprintf(stderr, "fakecognito: %v\n", err)
		return 1
	}
	return 0
}

func serve(ctx context.Context, addr, seedPath, region string, verbose bool, stdout, stderr io.Writer) error {
	var seed cognitotest.Seed
	if seedPath != "" {
		f, err := os.Open(seedPath)
		if err != nil {
			return err
		}
		seed, err = cognitotest.ParseSeed(f)
		_ = f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", seedPath, err)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	out := &lockedWriter{w: stdout}
	srv := cognitotest.New(
		cognitotest.WithListener(ln),
		cognitotest.WithRegion(region),
		cognitotest.WithLogger(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))),
		cognitotest.WithOnMessage(func(m cognitotest.Message) {
			out.printf("message pool=%s user=%s trigger=%s medium=%s to=%s code=%s\n",
				m.PoolID, m.Username, m.Trigger, m.Medium, m.Destination, m.Code)
		}),
	)
	defer srv.Close()
	loaded, err := srv.Load(seed)
	if err != nil {
		return fmt.Errorf("%s: %w", seedPath, err)
	}
	for _, p := range loaded.Pools {
		out.printf("pool %s name=%s\n", p.ID, p.Name)
		for _, c := range p.Clients {
			out.printf("client %s pool=%s name=%s\n", c.ID, p.ID, c.Name)
		}
	}
	out.printf("listening on %s\n", srv.URL())
	<-ctx.Done()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}
