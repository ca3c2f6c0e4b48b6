// Command fakeslack runs the fake Slack of package slacktest on its own, for tools that are not
// Go: it prints one JSON line with the URLs, ids and tokens to point an app at, then serves the
// Web API, Socket Mode and the JSON control API (see the slacktest package documentation) until
// interrupted.
//
//	go run ./internal/slacktest/cmd/fakeslack -addr 127.0.0.1:8089
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/resetbot/resetbot/internal/slacktest"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run parses flags, starts the server, prints its info and serves until a signal.
func run(argv []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fakeslack", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	botToken := fs.String("bot-token", "", "bot token (xoxb-) to accept; random if empty")
	appToken := fs.String("app-token", "", "app-level token (xapp-) to accept; random if empty")
	ping := fs.Duration("ping-interval", slacktest.DefaultPingInterval, "how often to ping each connection (0: never)")
	verbose := fs.Bool("v", false, "log every connection and call to stderr")
	if err := fs.Parse(argv); err != nil {
		return 2
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, log, stdout, slacktest.WithAddr(*addr), slacktest.WithTokens(*botToken, *appToken),
		slacktest.WithPingInterval(*ping), slacktest.WithLogger(log))
}

// serve runs the server until ctx ends.
func serve(ctx context.Context, log *slog.Logger, stdout io.Writer, opts ...slacktest.Option) int {
	srv, err := slacktest.Start(opts...)
	if err != nil {
		log.Error("fakeslack: start", "err", err)
		return 1
	}
	defer srv.Close()
	info := map[string]string{
		"url": srv.URL(), "api_url": srv.APIURL(), "control_url": srv.ControlURL(), "team_id": srv.TeamID(),
		"app_id": srv.AppID(), "bot_user_id": srv.BotUserID(), "bot_token": srv.BotToken(), "app_token": srv.AppToken(),
	}
	line, err := json.Marshal(info)
	if err != nil {
		log.Error("fakeslack: encoding info", "err", err)
		return 1
	}
	if _, err := fmt.Fprintln(stdout, string(line)); err != nil {
		log.Error("fakeslack: writing info", "err", err)
		return 1
	}
	<-ctx.Done()
	log.Info("fakeslack: stopping")
	return 0
}
