package loadtest

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Report is what one scenario measured. Figures a scenario does not measure stay zero and are
// not printed.
type Report struct {
	Scenario string
	// Envelopes is how many envelopes were sent, Rate at how many per second.
	Envelopes int
	Rate      float64
	// AckP50, AckP99 and AckMax are the times from sending an envelope to its ack; Unacked
	// counts those not acknowledged within Slack's 3 s.
	AckP50, AckP99, AckMax time.Duration
	Unacked                int
	// CardsMissing counts requests whose card never appeared; RequestsFailed the requests the
	// bot answered with a refusal or a failure instead; AuditLost the audit events missing
	// for what was posted or run.
	CardsMissing, RequestsFailed, AuditLost int
	// FailureSamples are the first few failure answers, to say why.
	FailureSamples []string
	// Posted, RateLimited and EarlyPosts: cards posted, chat.postMessage calls answered 429,
	// and calls sent before their Retry-After ran out (the burst).
	Posted, RateLimited, EarlyPosts int
	// AllPostedAfter is the time from the first envelope to the last card (the burst).
	AllPostedAfter time.Duration
	// Resets and ResetsPerSecond: resets Cognito completed (it sent the user the code) after
	// the approvals, and how fast, to the last completion. ResetCallsPerSecond is how fast
	// Cognito received the reset calls, to the last one received: a call completes one
	// Cognito latency after it is received.
	Resets              int
	ResetsPerSecond     float64
	ResetCallsPerSecond float64
	// The bot process: start to connected, resident memory idle, at its peak, and a while
	// after the load; CPU time per 1,000 envelopes.
	StartToConnected           time.Duration
	IdleRSS, PeakRSS, RSSAfter int64
	CPUPer1000                 time.Duration
	// ToolCPUPer1000 is the load tool's own CPU time per 1,000 envelopes, over the same
	// load: its fakes and its driver, which share the machine with the bot.
	ToolCPUPer1000 time.Duration
	// StopProblem says how stopping the bot after the load went wrong, if it did.
	StopProblem string
}

// mib formats bytes in MiB.
func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// ms formats a duration in milliseconds.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// Print writes the report, one figure a line.
func (r Report) Print(w io.Writer) error {
	var b strings.Builder
	line := func(k, v string) { fmt.Fprintf(&b, "  %-28s %s\n", k, v) }
	fmt.Fprintf(&b, "%s\n", r.Scenario)
	line("envelopes", fmt.Sprint(r.Envelopes))
	if r.Rate > 0 {
		line("rate", fmt.Sprintf("%.0f/s", r.Rate))
	}
	line("ack p50 / p99 / max", ms(r.AckP50)+" / "+ms(r.AckP99)+" / "+ms(r.AckMax))
	line("not acked within 3 s", fmt.Sprint(r.Unacked))
	line("cards missing", fmt.Sprint(r.CardsMissing))
	line("requests failed", fmt.Sprint(r.RequestsFailed))
	for _, s := range r.FailureSamples {
		line("  e.g.", s)
	}
	line("audit events lost", fmt.Sprint(r.AuditLost))
	if r.RateLimited > 0 || r.AllPostedAfter > 0 {
		line("cards posted", fmt.Sprint(r.Posted))
		line("429s on chat.postMessage", fmt.Sprint(r.RateLimited))
		line("posts before Retry-After", fmt.Sprint(r.EarlyPosts))
		line("all posted after", r.AllPostedAfter.Round(time.Millisecond).String())
	}
	if r.Resets > 0 {
		line("resets completed", fmt.Sprint(r.Resets))
		line("resets per second", fmt.Sprintf("%.1f", r.ResetsPerSecond))
		line("reset calls received per second", fmt.Sprintf("%.1f", r.ResetCallsPerSecond))
	}
	line("start to connected", ms(r.StartToConnected))
	line("RSS idle / peak / after", mib(r.IdleRSS)+" / "+mib(r.PeakRSS)+" / "+mib(r.RSSAfter))
	line("CPU per 1,000 envelopes", ms(r.CPUPer1000))
	if r.ToolCPUPer1000 > 0 {
		line("loadgen's own, per 1,000", ms(r.ToolCPUPer1000))
	}
	if r.StopProblem != "" {
		line("stopping the bot", r.StopProblem)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
