package loadtest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/internal/slacktest"
)

// The workspace, pool and people of a load run.
const (
	teamID = "T0LOAD0001"
	// channels is how many channels the requests are spread over, as in a workspace where
	// several teams ask (Slack lets an app post about one message a second in a channel); the
	// burst uses the first alone.
	channels   = 20
	poolID     = "eu-west-1_LoadTest01"
	requesters = 20 // in groupRequesters
	approvers  = 5  // in groupApprovers
	command    = "/cognito"

	groupRequesters = "S0LOADREQ1"
	groupApprovers  = "S0LOADAPP1"
)

// policyYAML lets the requesters ask for resets that one approver approves, with limits far
// above any run.
var policyYAML = `workspace:
  teams: [` + teamID + `]
channels:
` + channelsYAML() + `pools:
  prod:
    id: ` + poolID + `
    region: eu-west-1
identity_checks:
  callback: Called the user back on the phone number on file
limits:
  per_requester: {max: 10000, window: 1h}
  per_target: {max: 10000, window: 1h}
rules:
  - name: load-reset
    pools: [prod]
    actions: [reset]
    requesters: [` + groupRequesters + `]
    approvers: [` + groupApprovers + `]
    approvals: 1
    self_approval: false
    expires_after: 4h
    require:
      ticket: true
      reason: true
      verified_by: [callback]
`

// Config is what a load run needs.
type Config struct {
	// Binary is the resetbot binary (see Build).
	Binary string
	// Dir holds the run's files: the policy, the store, the bot's log. Required.
	Dir string
	// Users is how many end users the fake pool holds: one per request, so that no request
	// waits on another for the same user.
	Users int
	// CognitoLatency delays every Cognito call.
	CognitoLatency time.Duration
	// Env adds RESETBOT_ variables to the bot's environment (RESETBOT_WORKERS=…).
	Env []string
	// SettleAfter is how long after the load the bot's memory is read again.
	SettleAfter time.Duration
	// Logger is told what the run does; default discard.
	Logger *slog.Logger
}

// World is one bot process and its fakes, for one scenario.
type World struct {
	cfg     Config
	log     *slog.Logger
	slack   *slacktest.Server
	cognito *cognitotest.Server
	bot     *botProcess
	dbPath  string
	// spread is how many channels slash spreads the requests over.
	spread int
	// resets are the resets Cognito completed.
	resets resetLog

	// StartToConnected is the time from starting the process to its Socket Mode connection.
	StartToConnected time.Duration
	// IdleRSS is the bot's resident memory once connected, before any load.
	IdleRSS int64
}

// Start starts the fakes and the bot, and waits until the bot is connected (within 30 s).
func Start(ctx context.Context, cfg Config) (_ *World, err error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	w := &World{cfg: cfg, log: cfg.Logger, spread: channels}
	defer func() {
		if err != nil {
			w.Close()
		}
	}()
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("the run's directory: %w", err)
	}
	if w.slack, err = slacktest.Start(slacktest.WithTeam(teamID, "load"), slacktest.WithoutRecord()); err != nil {
		return nil, fmt.Errorf("starting the fake Slack: %w", err)
	}
	w.seedSlack()
	w.cognito = cognitotest.New(cognitotest.WithLogger(slog.New(slog.DiscardHandler)), cognitotest.WithOnMessage(w.resets.sent))
	if _, err := w.cognito.Load(seed(cfg.Users)); err != nil {
		return nil, fmt.Errorf("seeding the fake Cognito: %w", err)
	}
	w.cognito.SetLatency(cfg.CognitoLatency)

	policyFile := filepath.Join(cfg.Dir, "policy.yaml")
	if err := os.WriteFile(policyFile, []byte(policyYAML), 0o600); err != nil {
		return nil, fmt.Errorf("writing the policy: %w", err)
	}
	w.dbPath = filepath.Join(cfg.Dir, "resetbot.db")
	env := append([]string{
		"RESETBOT_SLACK_APP_TOKEN=" + w.slack.AppToken(),
		"RESETBOT_SLACK_BOT_TOKEN=" + w.slack.BotToken(),
		"RESETBOT_SLACK_API_URL=" + w.slack.APIURL(),
		"RESETBOT_COGNITO_ENDPOINT=" + w.cognito.URL(),
		"RESETBOT_POLICY_FILE=" + policyFile,
		"RESETBOT_STORE=sqlite:" + w.dbPath,
		"RESETBOT_HTTP_ADDR=127.0.0.1:0",
		"RESETBOT_LOG_LEVEL=warn",
		"RESETBOT_COMMAND=" + command,
	}, cfg.Env...)
	if w.bot, err = startBot(cfg.Binary, env, filepath.Join(cfg.Dir, "resetbot.log")); err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	go func() {
		select {
		case <-w.bot.done: // it will not connect now
			cancel()
		case <-cctx.Done():
		}
	}()
	if err := w.slack.WaitConnections(cctx, 1); err != nil {
		return nil, fmt.Errorf("the bot did not connect (its log is %s): %w", filepath.Join(cfg.Dir, "resetbot.log"), err)
	}
	w.StartToConnected = time.Since(w.bot.started)
	// Let the start's own work (auth.test, the first reads) settle before reading idle memory.
	time.Sleep(time.Second)
	if w.IdleRSS, _, err = procStatus(w.bot.pid()); err != nil {
		return nil, err
	}
	return w, nil
}

// seedSlack adds the people, their groups and the channel.
func (w *World) seedSlack() {
	var reqs, apps []string
	for i := range requesters {
		id := requesterID(i)
		w.slack.AddUser(slacktest.User{ID: id, Name: fmt.Sprintf("req%02d", i)})
		reqs = append(reqs, id)
	}
	for i := range approvers {
		id := approverID(i)
		w.slack.AddUser(slacktest.User{ID: id, Name: fmt.Sprintf("app%02d", i)})
		apps = append(apps, id)
	}
	w.slack.AddUserGroup(groupRequesters, "load-requesters", reqs...)
	w.slack.AddUserGroup(groupApprovers, "load-approvers", apps...)
	for c := range channels {
		w.slack.AddChannel(channelID(c), fmt.Sprintf("load-%02d", c), append(append(reqs, apps...), w.slack.BotUserID())...)
	}
}

func channelID(c int) string { return fmt.Sprintf("C0LOAD%04d", c) }

// channelsYAML lists the channels in the policy, each defaulting to the pool.
func channelsYAML() string {
	var b strings.Builder
	for c := range channels {
		fmt.Fprintf(&b, "  - id: %s\n    default_pool: prod\n", channelID(c))
	}
	return b.String()
}

func requesterID(i int) string { return fmt.Sprintf("U0REQ%05d", i%requesters) }
func approverID(i int) string  { return fmt.Sprintf("U0APP%05d", i%approvers) }
func username(i int) string    { return fmt.Sprintf("user%06d", i) }

// seed is the fake pool with n end users, each with a verified email.
func seed(n int) cognitotest.Seed {
	users := make([]cognitotest.SeedUser, n)
	for i := range users {
		users[i] = cognitotest.SeedUser{Username: username(i), Password: "Load-test-pass-1",
			Attributes: map[string]string{"sub": fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
				"email": username(i) + "@example.com", "email_verified": "true"}}
	}
	return cognitotest.Seed{Pools: []cognitotest.SeedPool{{ID: poolID, Name: "prod",
		AccountRecovery: []string{"verified_email"}, Users: users}}}
}

// stopBot stops the bot process (SIGTERM, then its shutdown grace).
func (w *World) stopBot() error {
	if w.bot == nil {
		return nil
	}
	b := w.bot
	w.bot = nil
	return b.stop(45 * time.Second)
}

// Close stops the bot and the fakes.
func (w *World) Close() {
	if err := w.stopBot(); err != nil {
		w.log.Warn("stopping the bot", "err", err)
	}
	if w.slack != nil {
		w.slack.Close()
	}
	if w.cognito != nil {
		w.cognito.Close()
	}
}
