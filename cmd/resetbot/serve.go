package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// cmdServe runs the bot until SIGINT or SIGTERM; SIGHUP reloads the policy file.
func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if code, ok := noArgs("serve", args, stdout, stderr); !ok {
		return code
	}
	cfg, err := LoadConfig()
	if err != nil {
		configError(stderr, err)
		return exitUsage
	}
	log := newLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	for _, k := range unknownVariables(os.Environ()) {
		log.Warn("ignoring a variable resetbot does not read; is it a typo? (resetbot --help lists them)", "variable", k)
	}
	applyMemoryLimit(cfg.MemoryLimitMiB, os.Getenv, log)

	// The store, the AWS configuration and the workflow open while Run connects to Slack.
	app, err := Start(ctx, cfg, log)
	if err != nil {
		return cannotStart(log, err)
	}
	defer func() {
		if err := app.Close(); err != nil {
			log.Error("closing", "err", err)
		}
	}()

	stopHUP := reloadOnHangup(ctx, app, log)
	defer stopHUP()

	if err := app.Run(ctx); err != nil {
		if sf := (startFailure{}); errors.As(err, &sf) {
			return cannotStart(log, sf.error)
		}
		log.Error("resetbot stopped", "err", err)
		return exitCode(err)
	}
	log.Info("resetbot stopped")
	return exitOK
}

// cannotStart says why serve could not start, and returns its exit code.
func cannotStart(log *slog.Logger, err error) int {
	log.Error("resetbot cannot start; run `resetbot check` for what to fix", "err", err)
	return exitCode(err)
}

// reloadOnHangup reloads the policy on every SIGHUP until ctx is done or the returned stop is
// called. An invalid file leaves the policy in force (the holder logs why).
func reloadOnHangup(ctx context.Context, app *App, log *slog.Logger) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				if err := app.ReloadPolicy(); err == nil {
					log.Info("policy reloaded on SIGHUP")
				}
			}
		}
	}()
	return func() {
		signal.Stop(hup)
		cancel()
		<-done
	}
}
