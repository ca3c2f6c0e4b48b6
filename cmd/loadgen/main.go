// Command loadgen measures resetbot under load: it builds the bot, starts it against the fake
// Slack and the fake Cognito (in this process, on 127.0.0.1), runs the scenarios asked for and
// prints what each measured. See the README's "Performance" section.
//
//	loadgen -scenario rate -rate 500 -duration 20s -cognito-latency 1s
//	loadgen -scenario burst -burst 1000
//	loadgen -scenario approvals -approvals 290
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/resetbot/resetbot/internal/loadtest"
	"github.com/resetbot/resetbot/internal/slacktest"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// burstRate is how fast the burst's commands are sent: all at once, as far as the fake takes
// them.
const burstRate = 10_000

// approvalsSubmitRate is how fast the approvals scenario makes its requests, before approving
// them all at once.
const approvalsSubmitRate = 100

// options are the command line.
type options struct {
	scenario       string
	rates          string
	duration       time.Duration
	burst          int
	postLimit      int
	postWindow     time.Duration
	approvals      int
	cognitoLatency time.Duration
	settle         time.Duration
	bot            string
	dir            string
}

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.scenario, "scenario", "all", "rate, burst, approvals or all")
	fs.StringVar(&o.rates, "rate", "50,200,500,1000", "commands per second of the rate scenario; several, comma-separated, run one after another")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, "how long the rate scenario sends")
	fs.IntVar(&o.burst, "burst", 1000, "commands of the burst scenario, all in one channel")
	fs.IntVar(&o.postLimit, "post-limit", 20, "chat.postMessage calls the fake Slack allows per window and channel in the burst")
	fs.DurationVar(&o.postWindow, "post-window", time.Second, "the window of -post-limit")
	fs.IntVar(&o.approvals, "approvals", 290, "requests the approvals scenario approves at once")
	fs.DurationVar(&o.cognitoLatency, "cognito-latency", time.Second, "delay of every Cognito call")
	fs.DurationVar(&o.settle, "settle", 10*time.Second, "how long after the load the bot's memory is read again")
	fs.StringVar(&o.bot, "bot", "", "the resetbot binary; empty builds ./cmd/resetbot")
	fs.StringVar(&o.dir, "dir", "", "where the runs' files go (policy, store, the bot's log); empty: a temporary directory, removed after")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := runScenarios(ctx, o, stdout, stderr); err != nil {
		_, _ = fmt.Fprintln(stderr, "loadgen:", err)
		return 1
	}
	return 0
}

func runScenarios(ctx context.Context, o options, stdout, stderr io.Writer) error {
	var rates []float64
	for _, s := range strings.Split(o.rates, ",") {
		var rate float64
		if _, err := fmt.Sscan(strings.TrimSpace(s), &rate); err != nil || rate <= 0 {
			return fmt.Errorf("-rate %q: not a positive number", s)
		}
		rates = append(rates, rate)
	}
	want := map[string]bool{"rate": o.scenario == "rate", "burst": o.scenario == "burst", "approvals": o.scenario == "approvals"}
	if o.scenario == "all" {
		want = map[string]bool{"rate": true, "burst": true, "approvals": true}
	}
	if !want["rate"] && !want["burst"] && !want["approvals"] {
		return fmt.Errorf("-scenario %q: not rate, burst, approvals or all", o.scenario)
	}

	dir := o.dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "loadgen-")
		if err != nil {
			return err
		}
		defer func() { _ = os.RemoveAll(tmp) }()
		dir = tmp
	}
	if o.bot == "" {
		mod, err := moduleDir(ctx)
		if err != nil {
			return err
		}
		_, _ = fmt.Fprintln(stderr, "building resetbot…")
		if o.bot, err = loadtest.Build(ctx, mod, dir); err != nil {
			return err
		}
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg := func(name string) loadtest.Config {
		return loadtest.Config{Binary: o.bot, Dir: filepath.Join(dir, name), CognitoLatency: o.cognitoLatency,
			SettleAfter: o.settle, Env: passThrough(os.Environ()), Logger: log}
	}
	if _, err := fmt.Fprintf(stdout, "Cognito latency %s; bot %s\n", o.cognitoLatency, o.bot); err != nil {
		return err
	}
	var runs []func() (loadtest.Report, error)
	if want["rate"] {
		for _, rate := range rates {
			runs = append(runs, func() (loadtest.Report, error) {
				return loadtest.Rate(ctx, cfg(fmt.Sprintf("rate-%.0f", rate)), rate, o.duration)
			})
		}
	}
	if want["burst"] {
		runs = append(runs, func() (loadtest.Report, error) {
			return loadtest.Burst(ctx, cfg("burst"), o.burst, burstRate, slacktest.Limit{Calls: o.postLimit, Window: o.postWindow})
		})
	}
	if want["approvals"] {
		runs = append(runs, func() (loadtest.Report, error) {
			return loadtest.Approvals(ctx, cfg("approvals"), o.approvals, approvalsSubmitRate)
		})
	}
	for _, r := range runs {
		rep, err := r()
		if err != nil {
			return err
		}
		if err := rep.Print(stdout); err != nil {
			return err
		}
	}
	return nil
}

// passThrough keeps the RESETBOT_ variables of the environment (RESETBOT_WORKERS=…), for the
// bot; the run's own settings come after them and win.
func passThrough(environ []string) []string {
	var out []string
	for _, kv := range environ {
		if strings.HasPrefix(kv, "RESETBOT_") {
			out = append(out, kv)
		}
	}
	return out
}

// moduleDir is the root of the module loadgen is run in.
func moduleDir(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("finding the module: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run loadgen inside the resetbot module, or pass -bot")
	}
	return filepath.Dir(mod), nil
}
