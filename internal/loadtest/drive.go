package loadtest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/resetbot/resetbot/internal/slacktest"
)

// sent is what sending envelopes came to.
type sent struct {
	acks    latencies // of the envelopes acknowledged
	unacked int       // not acknowledged within Slack's 3 s (or not delivered)
	elapsed time.Duration
}

// openLoop sends n envelopes at rate per second, each on its own schedule whatever became of
// the ones before (open loop), send(i) delivering envelope i and waiting for its ack. It waits
// for every send to end; each is bounded by the fake's ack deadline.
func openLoop(ctx context.Context, n int, rate float64, send func(ctx context.Context, i int) error) sent {
	var (
		mu  sync.Mutex
		out sent
		wg  sync.WaitGroup
	)
	start := time.Now()
	for i := range n {
		if d := time.Until(start.Add(time.Duration(float64(i) / rate * float64(time.Second)))); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
			}
		}
		wg.Go(func() {
			began := time.Now()
			err := send(ctx, i)
			took := time.Since(began)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				out.unacked++
				return
			}
			out.acks = append(out.acks, took)
		})
	}
	wg.Wait()
	out.elapsed = time.Since(start)
	return out
}

// slash sends request i's slash command: a reset of its own end user.
func (w *World) slash(ctx context.Context, i int) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	text := fmt.Sprintf("reset %s --ticket SUP-%d --verified-by callback load test %d", username(i), i+1, i)
	_, err := w.slack.SlashCommand(ctx, requesterID(i), channelID(i%w.spread), command, text)
	return err
}

// cards returns the bot's top-level messages in the channels.
func (w *World) cards() []slacktest.Message {
	var out []slacktest.Message
	for c := range w.spread {
		for _, m := range w.slack.Messages(channelID(c)) {
			if m.User == w.slack.BotUserID() {
				out = append(out, m)
			}
		}
	}
	return out
}

// privateAnswers counts what the bot told requesters privately: in these scenarios a request
// that is created gets its card and nothing else, so each is a refusal or a failure.
func (w *World) privateAnswers() (int, []string) {
	n, samples := 0, []string(nil)
	for i := range requesters {
		for _, e := range w.slack.Ephemerals(requesterID(i)) {
			n++
			if len(samples) < 3 {
				samples = append(samples, strings.TrimSpace(e.Text))
			}
		}
	}
	return n, samples
}
