package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/resetbot/resetbot/internal/auditexport"
	"github.com/resetbot/resetbot/policy"
)

// cmdAudit is `resetbot audit`: the audit trail of the configured store, as JSON Lines or CSV.
func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		f            auditexport.Filter
		format       = fs.String("format", string(auditexport.JSONLines), "jsonl (one JSON object a line) or csv")
		store        = fs.String("store", envOr("RESETBOT_STORE", defaultStore()), "the store to read (default: RESETBOT_STORE, else its default); a PostgreSQL password comes as for serve")
		since, until string
	)
	fs.StringVar(&since, "since", "", "events at or after this: a duration back from now (30d, 12h) or a time (2026-01-31 or RFC 3339)")
	fs.StringVar(&until, "until", "", "events before this: a duration back from now or a time")
	fs.StringVar(&f.Requester, "requester", "", "only requests made by this Slack user id")
	fs.StringVar(&f.Approver, "approver", "", "only the approvals, denials and refused approvals of this Slack user id")
	fs.StringVar(&f.Target, "user", "", "only events about this Cognito username")
	fs.StringVar(&f.Pool, "pool", "", "only events in this pool (its name in the policy)")
	fs.StringVar(&f.Action, "action", "", "only events about this action (reset, temp-password, status, ...)")
	fs.StringVar(&f.Outcome, "outcome", "", "only events with this outcome (pending, denied, succeeded, ...)")
	fs.Usage = func() {
		say(stderr, "Usage: resetbot audit [flags]\n\nWrites the audit trail of the store, oldest first, to stdout. It only reads, and is safe\non the store of a running bot.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		say(stderr, "resetbot audit takes no arguments (got %s)\n", strings.Join(fs.Args(), " "))
		return exitUsage
	}
	now := time.Now()
	var err error
	if f.Since, err = parseWhen(since, now); err != nil {
		say(stderr, "resetbot audit: --since: %v\n", err)
		return exitUsage
	}
	if f.Until, err = parseWhen(until, now); err != nil {
		say(stderr, "resetbot audit: --until: %v\n", err)
		return exitUsage
	}
	u, err := ParseStoreURL(*store)
	if err != nil {
		say(stderr, "resetbot audit: %v\n", err)
		return exitUsage
	}
	iam, _ := strconv.ParseBool(os.Getenv("RESETBOT_STORE_IAM_AUTH"))
	cfg := Config{Store: u, StorePasswordFile: os.Getenv("RESETBOT_STORE_PASSWORD_FILE"), StoreIAMAuth: iam}
	log := newLogger(stderr, LogText, slog.LevelWarn)
	s, err := openStoreReader(ctx, cfg, log)
	if err != nil {
		say(stderr, "resetbot audit: %v\n", err)
		return exitFail
	}
	defer func() { _ = s.Close() }()
	if _, err := auditexport.Export(ctx, s, f, auditexport.Format(*format), stdout); err != nil {
		say(stderr, "resetbot audit: %v\n", err)
		return exitFail
	}
	return exitOK
}

// parseWhen reads a point in time: "" (none), a duration back from now as the policy file
// writes durations ("30d", "12h", "90m"), a date (2026-01-31, midnight UTC) or an RFC 3339 time.
func parseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	d, err := policy.ParseDuration(s)
	if err != nil || d < 0 {
		return time.Time{}, fmt.Errorf("%q is neither a duration back from now (30d, 12h) nor a time (2026-01-31, 2026-01-31T09:00:00Z)", s)
	}
	return now.Add(-d), nil
}

// envOr is the environment variable's value, or def when it is unset or empty.
func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// defaultStore is RESETBOT_STORE's default, from Config's tags.
func defaultStore() string {
	for _, v := range configVars() {
		if v.Key == "RESETBOT_STORE" {
			return v.Default
		}
	}
	return ""
}
