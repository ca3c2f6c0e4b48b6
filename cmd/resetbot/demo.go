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
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/bot"
	"github.com/resetbot/resetbot/internal/demo"
	"github.com/resetbot/resetbot/internal/httpserver"
	"github.com/resetbot/resetbot/internal/secret"
)

// demoSweep is how often the demo's sweeper runs, so that reminders and expiry on the demo
// policy's short clock show up while people watch.
const demoSweep = 5 * time.Second

// demoConnectWait bounds how long the demo waits for the bot's Socket Mode connection.
const demoConnectWait = 30 * time.Second

// demoFlags are the demo's command line.
type demoFlags struct {
	addr    string
	policy  string
	verbose bool
}

// parseDemoFlags reads the demo's command line; ok is false when the command must stop with
// code (help asked for, or a bad flag).
func parseDemoFlags(args []string, stdout, stderr io.Writer) (f demoFlags, code int, ok bool) {
	fs := flag.NewFlagSet("resetbot demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:0", "listen address of the demo's web page (host:port); the default is 127.0.0.1 at a free port")
	fs.StringVar(&f.policy, "policy", "", "run with this policy file instead of the demo's own (see below)")
	fs.BoolVar(&f.verbose, "v", false, "log what the bot does (text, on stderr)")
	fs.Usage = func() { writeDemoUsage(fs, stdout) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return f, exitOK, false
		}
		return f, exitUsage, false
	}
	if fs.NArg() > 0 {
		say(stderr, "resetbot demo takes no arguments (got %s); see resetbot demo --help\n", strings.Join(fs.Args(), " "))
		return f, exitUsage, false
	}
	return f, 0, true
}

func writeDemoUsage(fs *flag.FlagSet, w io.Writer) {
	say(w, "Usage: resetbot demo [-addr HOST:PORT] [-policy FILE] [-v]\n\n")
	say(w, "Runs the bot in one process against a fake Slack workspace and a fake Cognito, with a\n"+
		"web page in the look of a Slack channel: pick who you are, type /cognito …, approve,\n"+
		"and watch what happens in Cognito and the audit trail. It prints one line,\n"+
		"open http://127.0.0.1:PORT, and serves until interrupted. It never contacts Slack or\n"+
		"AWS, whatever the environment holds (RESETBOT_* variables and AWS credentials are\n"+
		"ignored), and keeps nothing after it stops: its store is a temporary SQLite file.\n\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
	say(w, "\n%s\n", demo.HowPolicyIsMapped)
}

// ignoredVariables lists the variables set in environ that the demo ignores: resetbot's own
// and the AWS SDK's credentials and endpoints. Only names are listed, never values.
func ignoredVariables(environ []string) []string {
	var names []string
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if v == "" {
			continue
		}
		if strings.HasPrefix(k, envPrefix+"_") || slices.Contains(awsVariables, k) || strings.HasPrefix(k, "AWS_ENDPOINT_URL") {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return names
}

// awsVariables are the AWS SDK's variables that could point it at an account.
var awsVariables = []string{
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
}

// cmdDemo runs the demo until SIGINT or SIGTERM.
func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, code, ok := parseDemoFlags(args, stdout, stderr)
	if !ok {
		return code
	}
	level := slog.LevelWarn
	if f.verbose {
		level = slog.LevelInfo
	}
	log := newLogger(stderr, LogText, level)
	if names := ignoredVariables(os.Environ()); len(names) > 0 {
		say(stderr, "demo: ignoring %s: the demo never contacts Slack or AWS; it runs on its own fake Slack and fake Cognito\n",
			strings.Join(names, ", "))
	}
	if err := runDemo(ctx, f, stdout, stderr, log); err != nil {
		say(stderr, "resetbot demo: %v\n", err)
		return exitCode(err)
	}
	return exitOK
}

// demoWorkspace is the demo's own workspace, or the one built around the policy file given.
func demoWorkspace(path string) (demo.Workspace, error) {
	if path == "" {
		return demo.Builtin()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return demo.Workspace{}, fmt.Errorf("reading the policy file: %w", err)
	}
	return demo.FromPolicy(data, path)
}

// runDemo starts the fakes, the bot and the page, prints the page's URL once the bot is
// connected, and serves until ctx ends; then it stops everything and removes its files.
func runDemo(ctx context.Context, f demoFlags, stdout, stderr io.Writer, log *slog.Logger) (err error) {
	ws, err := demoWorkspace(f.policy)
	if err != nil {
		return badConfig{err}
	}
	for _, n := range ws.Notes {
		say(stderr, "demo: %s\n", n)
	}
	dir, err := os.MkdirTemp("", "resetbot-demo-")
	if err != nil {
		return fmt.Errorf("making the demo's temporary directory: %w", err)
	}
	defer func() { err = errors.Join(err, os.RemoveAll(dir)) }()
	policyFile := filepath.Join(dir, filepath.Base(ws.PolicyName))
	if err := os.WriteFile(policyFile, ws.Policy, 0o600); err != nil {
		return fmt.Errorf("writing the demo's policy file: %w", err)
	}

	fakeLog := slog.New(slog.DiscardHandler)
	if f.verbose {
		fakeLog = log.With("fake", true)
	}
	fakes, err := demo.StartFakes(ws, fakeLog)
	if err != nil {
		return err
	}
	defer fakes.Close()

	cfg := Config{
		SlackAppToken: secret.New(fakes.Slack.AppToken()), SlackBotToken: secret.New(fakes.Slack.BotToken()),
		SlackAPIURL: fakes.Slack.APIURL(), CognitoEndpoint: fakes.Cognito.URL(),
		PolicyFile: policyFile, Store: StoreURL{Scheme: "sqlite", Path: filepath.Join(dir, "demo.db")},
		Command: "/cognito", HTTPAddr: "127.0.0.1:0", LogLevel: slog.LevelWarn, LogFormat: LogText,
		ShutdownGrace: 5 * time.Second, Workers: bot.DefaultWorkers, WorkQueue: bot.DefaultQueueSize,
		SweepInterval: demoSweep, RunLease: approval.DefaultLease,
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("the demo's configuration: %w", err)
	}
	calls := demo.NewCallLog(time.Now)
	awsCfg := demo.AWSConfig()
	app, err := newAppWith(ctx, cfg, log, appOptions{aws: &awsCfg, observeCognito: calls.Observe})
	if err != nil {
		return fmt.Errorf("starting the bot: %w", err)
	}
	defer func() { err = errors.Join(err, app.Close()) }()

	page, err := demo.NewPage(demo.PageConfig{Fakes: fakes, Calls: calls, Audit: app.store, Command: cfg.Command, Logger: log})
	if err != nil {
		return err
	}
	defer page.Close()
	srv, err := httpserver.Listen(f.addr, page)
	if err != nil {
		return fmt.Errorf("the demo's web page: %w", err)
	}
	defer func() { _ = srv.Close() }()
	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	ran := make(chan error, 1)
	go func() { ran <- app.Run(runCtx) }()

	connectCtx, cancel := context.WithTimeout(ctx, demoConnectWait)
	err = fakes.Slack.WaitConnections(connectCtx, 1)
	cancel()
	if err != nil {
		stop()
		return errors.Join(fmt.Errorf("the bot did not connect to the demo's Slack: %w", err), <-ran)
	}
	if !isLoopback(srv.Addr()) {
		say(stderr, "demo: the page is served on %s: anyone who can reach it can act as any demo person\n", srv.Addr())
	}
	say(stdout, "open %s\n", pageURL(srv.Addr()))

	select {
	case err = <-ran:
		err = errOrNil(err, "the bot stopped")
	case err = <-served:
		stop()
		err = errors.Join(fmt.Errorf("the web page stopped: %w", err), <-ran)
	}
	page.Close()
	shutdownCtx, cancelShutdown := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancelShutdown()
	return errors.Join(err, srv.Shutdown(shutdownCtx))
}

// pageURL is the URL to open for a listener's address: an unspecified host (0.0.0.0, ::) is
// opened on 127.0.0.1.
func pageURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String()
	}
	host := tcp.IP
	if host.IsUnspecified() {
		host = net.IPv4(127, 0, 0, 1)
	}
	return "http://" + net.JoinHostPort(host.String(), strconv.Itoa(tcp.Port))
}

// isLoopback reports whether a listener's address is reachable from this machine alone.
func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// errOrNil wraps err with what stopped, when there is an error.
func errOrNil(err error, what string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
