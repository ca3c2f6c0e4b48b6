package loadtest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/slacktest"
	"github.com/resetbot/resetbot/store/sqlite"
)

// drainTimeout bounds the wait for the cards and runs the envelopes started.
const drainTimeout = 5 * time.Minute

// Rate sends rate slash commands a second for d, open loop, spread over the channels.
func Rate(ctx context.Context, cfg Config, rate float64, d time.Duration) (Report, error) {
	n := max(int(rate*d.Seconds()), 1)
	cfg.Users = max(cfg.Users, n)
	return measure(ctx, cfg, fmt.Sprintf("rate: %.0f commands/s for %s", rate, d), func(ctx context.Context, w *World, r *Report) error {
		r.Envelopes, r.Rate = n, rate
		s := openLoop(ctx, n, rate, w.slash)
		r.setAcks(s)
		w.drain(ctx, r, n)
		return nil
	})
}

// Burst sends n slash commands in one channel at sendRate a second (far above what Slack lets
// the bot post there), with Slack's rate limits on and chat.postMessage held to postLimit in
// the channel.
func Burst(ctx context.Context, cfg Config, n int, sendRate float64, postLimit slacktest.Limit) (Report, error) {
	cfg.Users = max(cfg.Users, n)
	name := fmt.Sprintf("burst: %d commands in one channel, rate limits on (chat.postMessage %d per %s)", n, postLimit.Calls, postLimit.Window)
	return measure(ctx, cfg, name, func(ctx context.Context, w *World, r *Report) error {
		w.spread = 1
		w.slack.SetRateLimits(true)
		w.slack.SetRateLimit("chat.postMessage", postLimit)
		r.Envelopes = n
		start := time.Now()
		s := openLoop(ctx, n, sendRate, w.slash)
		r.setAcks(s)
		w.drain(ctx, r, n)
		r.AllPostedAfter = time.Since(start)
		r.RateLimited = w.slack.RateLimited("chat.postMessage")
		r.EarlyPosts = w.slack.EarlyCalls("chat.postMessage")
		return nil
	})
}

// Approvals makes n requests (at submitRate a second), then has the approvers approve all of
// them at once, and measures how fast the resets complete.
func Approvals(ctx context.Context, cfg Config, n int, submitRate float64) (Report, error) {
	cfg.Users = max(cfg.Users, n)
	return measure(ctx, cfg, fmt.Sprintf("approvals: %d at once", n), func(ctx context.Context, w *World, r *Report) error {
		r.Envelopes = 2 * n
		s := openLoop(ctx, n, submitRate, w.slash)
		w.drain(ctx, r, n)
		cards := w.cards()
		if len(cards) == 0 {
			return fmt.Errorf("no card was posted to approve")
		}
		start := time.Now()
		clicks := openLoop(ctx, len(cards), 100_000, func(ctx context.Context, i int) error {
			ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			_, err := w.slack.Click(ctx, approverID(i), cards[i].Channel, cards[i].TS, "approve")
			return err
		})
		s.acks, s.unacked = append(s.acks, clicks.acks...), s.unacked+clicks.unacked
		r.setAcks(s)
		deadline := time.Now().Add(drainTimeout)
		for w.cognito.Calls("AdminResetUserPassword") < len(cards) && time.Now().Before(deadline) && ctx.Err() == nil {
			time.Sleep(10 * time.Millisecond)
		}
		r.ResetCallsPerSecond = float64(w.cognito.Calls("AdminResetUserPassword")) / time.Since(start).Seconds()
		for w.resets.count() < len(cards) && time.Now().Before(deadline) && ctx.Err() == nil {
			time.Sleep(10 * time.Millisecond)
		}
		var last time.Time
		r.Resets, last = w.resets.done()
		r.ResetsPerSecond = float64(r.Resets) / last.Sub(start).Seconds()
		return nil
	})
}

// setAcks fills the ack figures.
func (r *Report) setAcks(s sent) {
	r.AckP50, r.AckP99, r.AckMax = s.acks.quantile(0.5), s.acks.quantile(0.99), s.acks.quantile(1)
	r.Unacked = s.unacked
}

// drain waits until every one of n requests has its card or its failure answer, and fills the
// counts.
func (w *World) drain(ctx context.Context, r *Report, n int) {
	ctx, cancel := context.WithTimeout(ctx, drainTimeout)
	defer cancel()
	_ = w.slack.WaitUntil(ctx, func() bool {
		failed, _ := w.privateAnswers()
		return len(w.cards())+failed >= n
	})
	r.Posted = len(w.cards())
	r.CardsMissing = n - r.Posted
	r.RequestsFailed, r.FailureSamples = w.privateAnswers()
}

// measure starts a World, runs load on it, and fills the process's figures and the audit
// count; the bot is stopped and its store read after the load.
func measure(ctx context.Context, cfg Config, name string, load func(context.Context, *World, *Report) error) (Report, error) {
	w, err := Start(ctx, cfg)
	if err != nil {
		return Report{}, err
	}
	defer w.Close()
	r := Report{Scenario: name, StartToConnected: w.StartToConnected, IdleRSS: w.IdleRSS}
	pid, self := w.bot.pid(), os.Getpid()
	cpu0, err := procCPU(pid)
	if err != nil {
		return r, err
	}
	own0, err := procCPU(self)
	if err != nil {
		return r, err
	}
	if err := load(ctx, w, &r); err != nil {
		return r, err
	}
	cpu1, err := procCPU(pid)
	if err != nil {
		return r, err
	}
	own1, err := procCPU(self)
	if err != nil {
		return r, err
	}
	per1000 := func(d time.Duration) time.Duration { return d * 1000 / time.Duration(max(r.Envelopes, 1)) }
	r.CPUPer1000, r.ToolCPUPer1000 = per1000(cpu1-cpu0), per1000(own1-own0)
	if _, r.PeakRSS, err = procStatus(pid); err != nil {
		return r, err
	}
	time.Sleep(cfg.SettleAfter)
	if r.RSSAfter, _, err = procStatus(pid); err != nil {
		return r, err
	}
	if err := w.stopBot(); err != nil {
		r.StopProblem = err.Error()
	}
	submitted, succeeded, err := auditCounts(ctx, w.dbPath)
	if err != nil {
		return r, err
	}
	r.AuditLost = max(r.Posted-submitted, 0) + max(r.Resets-succeeded, 0)
	return r, nil
}

// auditCounts reads the store the bot left: how many submissions and successful runs its
// audit trail holds.
func auditCounts(ctx context.Context, dbPath string) (submitted, succeeded int, err error) {
	db, err := sqlite.Open(ctx, dbPath, slog.New(slog.DiscardHandler))
	if err != nil {
		return 0, 0, fmt.Errorf("opening the bot's store: %w", err)
	}
	defer func() { _ = db.Close() }()
	err = db.ScanEvents(ctx, approval.EventFilter{Kinds: []string{"submitted", string(approval.StateSucceeded)}}, func(e approval.Event) error {
		if e.Kind == "submitted" {
			submitted++
		} else {
			succeeded++
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("reading the bot's audit trail: %w", err)
	}
	return submitted, succeeded, nil
}
