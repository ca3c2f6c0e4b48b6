package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/bot"
	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/internal/httpserver"
	"github.com/resetbot/resetbot/internal/idlerelease"
	"github.com/resetbot/resetbot/internal/metrics"
	"github.com/resetbot/resetbot/internal/slackhttp"
	"github.com/resetbot/resetbot/policy/policyfile"
)

// sweepInterval is how often pending requests are checked for expiry and reminders, and
// running ones for a lost lease, when the configuration says nothing (RESETBOT_SWEEP_INTERVAL).
const sweepInterval = 30 * time.Second

// App is one resetbot process: the adapters wired together. New builds it, Run serves until its
// context ends and then shuts down gracefully, Close releases what New opened.
type App struct {
	cfg     Config
	log     *slog.Logger
	metrics *metrics.Metrics
	bot     *bot.Bot
	http    *httpserver.Server
	sweep   time.Duration
	release *idlerelease.Watcher

	// opening is the store, the AWS configuration and the workflow built on them, which New
	// opens while the Socket Mode connection may already be opening (see opening.go).
	opening
}

// New builds the Slack client and the bot, binds the HTTP listener, loads the policy, opens
// the store, and builds the Cognito client and the workflow. Nothing talks to Slack until Run.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	return newAppWith(ctx, cfg, log, appOptions{})
}

// Start is New that returns before the policy, the store, the AWS configuration and the
// workflow are open: Run opens them while the bot connects to Slack. The bot handles no envelope and
// /readyz answers 503 until they are open; when they fail to open, Run returns why (a
// startFailure).
func Start(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	return newAppWith(ctx, cfg, log, appOptions{openInRun: true})
}

// appOptions change how New builds an App: for the demo, an AWS configuration of its own
// instead of the SDK's default chain and a hook told about every Cognito call; for Start,
// opening in Run.
type appOptions struct {
	aws            *aws.Config                                      // nil: the SDK's default chain
	observeCognito func(op string, d time.Duration, errCode string) // nil: the metrics alone
	openInRun      bool
}

// newAppWith is New with options.
func newAppWith(ctx context.Context, cfg Config, log *slog.Logger, opts appOptions) (_ *App, err error) {
	a := &App{cfg: cfg, log: log, metrics: metrics.New(buildVersion()), sweep: cmp.Or(cfg.SweepInterval, sweepInterval),
		opening: newOpening()}
	defer func() {
		if err != nil {
			err = errors.Join(err, a.Close())
		}
	}()

	shared := newHTTPTransport(cfg.Workers)
	cognitoTransport, err := newCognitoTransport(cfg.Workers, shared, a.metrics.CognitoConnectionOpened)
	if err != nil {
		return nil, fmt.Errorf("cognito transport: %w", err)
	}
	slackTransport, err := slackhttp.New(slackhttp.Config{Base: shared, Logger: log, ObserveRetry: a.metrics.SlackRetry})
	if err != nil {
		return nil, fmt.Errorf("slack client: %w", err)
	}
	client := newSlackClient(cfg, &http.Client{Transport: slackTransport})
	notifier, err := bot.NewNotifier(bot.NotifierConfig{
		Client:                 client,
		Logger:                 log,
		CommandName:            cfg.Command,
		PermanentPasswordDMTTL: keepWhenZero(cfg.PermanentPasswordDMTTL),
		DryRun:                 cfg.DryRun,
	})
	if err != nil {
		return nil, fmt.Errorf("slack notifier: %w", err)
	}
	if a.release, err = newIdleRelease([]idleCloser{shared, cognitoTransport}, a.openedReleasers, log); err != nil {
		return nil, err
	}
	a.bot, err = bot.New(bot.Config{
		Notifier:         notifier,
		Logger:           log,
		Ready:            a.botReady,
		ObserveAck:       a.metrics.Ack,
		ObserveReconnect: a.metrics.Reconnect,
		ObservePanic:     a.metrics.Panicked,
		Workers:          cfg.Workers,
		QueueSize:        cfg.WorkQueue,
		ObserveQueueWait: a.metrics.QueueWait,
		ObserveInFlight: func(delta int) {
			a.metrics.InFlight(delta)
			a.release.Observe(delta)
		},
	})
	if err != nil {
		return nil, fmt.Errorf("slack bot: %w", err)
	}
	a.http, err = httpserver.Listen(cfg.HTTPAddr, httpserver.NewHandler(httpserver.Config{
		Ready:     []httpserver.Check{{Name: "slack", Run: a.slackReady}, {Name: "store", Run: a.storeReady}},
		Metrics:   a.metrics.Handler(),
		Profiling: cfg.Profiling,
		Logger:    log,
	}))
	if err != nil {
		return nil, err
	}
	open := func(ctx context.Context) error { return a.open(ctx, opts, cognitoTransport, notifier) }
	if opts.openInRun {
		a.openLater(open)
		return a, nil
	}
	if err := a.openNow(ctx, open); err != nil {
		return nil, err
	}
	return a, nil
}

// open loads the policy, opens the store and the AWS configuration, and builds the workflow
// on them and the Slack notifier; the Cognito calls go through cognitoTransport.
func (a *App) open(ctx context.Context, opts appOptions, cognitoTransport http.RoundTripper, notifier *bot.Notifier) (err error) {
	if a.policy, err = policyfile.NewHolder(a.cfg.PolicyFile, a.log); err != nil {
		return badConfig{fmt.Errorf("policy file %s: %w", a.cfg.PolicyFile, err)}
	}
	if a.store, err = openStore(ctx, a.cfg, a.log); err != nil {
		return err
	}
	observe := a.metrics.CognitoCall
	if opts.observeCognito != nil {
		observe = func(op string, d time.Duration, errCode string) {
			a.metrics.CognitoCall(op, d, errCode)
			opts.observeCognito(op, d, errCode)
		}
	}
	cog, err := newCognito(ctx, a.cfg, opts.aws, &http.Client{Transport: cognitoTransport}, a.log, observe)
	if err != nil {
		return err
	}
	a.service, err = approval.New(approval.Config{
		Store:      a.auditedStore(),
		Directory:  cognito.NewDirectory(cog),
		Policy:     a.policy,
		Notifier:   notifier,
		Membership: notifier,
		Logger:     a.log,
		Observer:   a.metrics,
		DryRun:     a.cfg.DryRun,
		Lease:      a.cfg.RunLease,
	})
	if err != nil {
		return fmt.Errorf("approval service: %w", err)
	}
	return nil
}

// auditedStore is the store the workflow writes to: with RESETBOT_AUDIT_LOG, every audit
// event it stores is also logged.
func (a *App) auditedStore() approval.Store {
	if !a.cfg.AuditLog {
		return a.store
	}
	return approval.AuditLog(a.store, a.log)
}

// keepWhenZero is RESETBOT_PERMANENT_PASSWORD_DM_TTL as the notifier reads it: 0 keeps the
// message, which the notifier says with a negative duration.
func keepWhenZero(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// newSlackClient is the Web API client, with the app-level token for Socket Mode, calling
// through hc: the bot's waits out Slack's rate limits and retries transient failures
// (slackhttp); the preflight's answers at once.
func newSlackClient(cfg Config, hc *http.Client) *slack.Client {
	opts := []slack.Option{slack.OptionAppLevelToken(cfg.SlackAppToken.Reveal()), slack.OptionHTTPClient(hc)}
	if base := cfg.SlackAPIBase(); base != "" {
		opts = append(opts, slack.OptionAPIURL(base))
	}
	return slack.New(cfg.SlackBotToken.Reveal(), opts...)
}

// slackReady is the readiness check of the Socket Mode connection.
func (a *App) slackReady(context.Context) error {
	if !a.bot.Connected() {
		return errors.New("the Socket Mode connection is not open")
	}
	return nil
}

// HTTPAddr is the address /healthz, /readyz and /metrics are served on.
func (a *App) HTTPAddr() net.Addr { return a.http.Addr() }

// ReloadPolicy loads the policy file again; an invalid file leaves the policy in force. While
// the App is still opening, there is no policy in force to reload yet.
func (a *App) ReloadPolicy() error {
	if !a.opened() {
		return errors.New("resetbot is still starting: the policy file is being read")
	}
	return a.policy.Reload()
}

// Run serves until ctx is done, then shuts down: it closes the Socket Mode connection (no more
// envelopes), waits up to the shutdown grace for the work in flight — Cognito runs included —
// and stops the HTTP server. It returns an error when the bot or the HTTP server stopped on
// their own, when the grace ran out with work still in flight, or (after Start) when the store,
// the AWS configuration or the workflow did not open: a startFailure.
func (a *App) Run(ctx context.Context) error {
	a.log.Info("starting", "version", buildVersion(), "http_addr", a.http.Addr().String(),
		"store", a.cfg.Store.String(), "policy_file", a.cfg.PolicyFile, "command", a.cfg.Command, "dry_run", a.cfg.DryRun)

	runCtx, stop := context.WithCancel(ctx)
	defer stop()

	httpDone := make(chan error, 1)
	go func() { httpDone <- a.http.Serve() }()
	botDone := make(chan error, 1)
	go func() { botDone <- a.bot.Run(runCtx) }()
	sweepDone := make(chan struct{})
	go func() {
		defer close(sweepDone)
		if a.waitOpen(runCtx) == nil {
			a.service.RunSweeper(runCtx, a.sweep)
		}
	}()
	a.openLeft(ctx) // after Start: the store opens while the bot connects

	failed, botStopped := a.serve(ctx, httpDone, botDone)
	stop()

	drained := make(chan error, 1)
	go func() {
		<-sweepDone
		var err error
		if !botStopped {
			// A bot that stopped for what did not open says so again: failed has it.
			if berr := <-botDone; !errors.As(berr, new(startFailure)) {
				err = berr
			}
		}
		<-a.done
		if a.opened() {
			a.service.Wait()
		}
		drained <- err
	}()
	grace := time.NewTimer(a.cfg.ShutdownGrace)
	defer grace.Stop()
	select {
	case err := <-drained:
		failed = errors.Join(failed, err)
		a.log.Info("work in flight finished")
	case <-grace.C:
		a.log.Error("the shutdown grace ran out with work in flight; unfinished runs will be reported as interrupted",
			"grace", a.cfg.ShutdownGrace.String())
		failed = errors.Join(failed, fmt.Errorf("the shutdown grace of %s ran out with work in flight", a.cfg.ShutdownGrace))
	}

	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := a.http.Shutdown(shutdownCtx); err != nil {
		failed = errors.Join(failed, err)
	}
	return failed
}

// serve waits until ctx is done, the bot or the HTTP server stops, or the opening fails, and
// says why it stopped serving (nil for ctx) and whether the bot stopped.
func (a *App) serve(ctx context.Context, httpDone, botDone <-chan error) (failed error, botStopped bool) {
	openDone := a.done
	for {
		select {
		case <-ctx.Done():
			a.log.Info("shutting down: closing the Slack connection, waiting for work in flight",
				"grace", a.cfg.ShutdownGrace.String(), "hint", "a second SIGINT or SIGTERM stops at once; runs cut off are reported as interrupted")
			return nil, false
		case <-openDone:
			if a.err == nil || ctx.Err() != nil { // an opening cut short by ctx is no failure
				openDone = nil
				continue
			}
			return a.err, false
		case err := <-botDone:
			if sf := (startFailure{}); errors.As(err, &sf) {
				return sf, true // the bot stopped waiting for what did not open
			}
			a.log.Error("shutting down: the Slack connection stopped", "err", errOrStopped(err))
			return fmt.Errorf("the Slack connection stopped: %w", errOrStopped(err)), true
		case err := <-httpDone:
			a.log.Error("shutting down: the HTTP server stopped", "err", errOrStopped(err))
			return fmt.Errorf("the HTTP server stopped: %w", errOrStopped(err)), false
		}
	}
}

// errOrStopped names a stop that came with no error.
func errOrStopped(err error) error {
	if err == nil {
		return errors.New("stopped without an error")
	}
	return err
}

// Close releases the HTTP listener, stops an opening still under way and closes the store.
// Call it after Run has returned, or instead of Run.
func (a *App) Close() error {
	var errs []error
	if a.release != nil {
		a.release.Stop()
	}
	if a.http != nil {
		errs = append(errs, a.http.Close())
	}
	errs = append(errs, a.closeOpening())
	return errors.Join(errs...)
}
