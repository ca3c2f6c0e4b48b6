package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/slacktest"
	"github.com/resetbot/resetbot/store/postgres"
)

// cardLabels is what a card says of its request in each state.
var cardLabels = map[approval.State]string{
	approval.StatePending:     "⏳ Waiting for approval",
	approval.StateApproved:    "👍 Approved",
	approval.StateRunning:     "⚙️ Running",
	approval.StateSucceeded:   "✅ Done",
	approval.StateFailed:      "❌ Failed",
	approval.StateDenied:      "⛔ Denied",
	approval.StateCancelled:   "🚫 Cancelled",
	approval.StateExpired:     "⌛ Expired",
	approval.StateInterrupted: "⚠️ Interrupted",
}

// ranStates are the states of a request whose run started: it may have called Cognito.
var ranStates = map[approval.State]bool{approval.StateRunning: true, approval.StateSucceeded: true,
	approval.StateFailed: true, approval.StateInterrupted: true}

// The marks of two notices in a card's thread.
const (
	reminderMark    = "Still waiting for"
	interruptedMark = "The run was interrupted before its result was recorded"
)

// proofCounts are the figures the proof prints.
type proofCounts struct {
	requests                                                             int
	states                                                               map[approval.State]int
	cognitoWrites, reminders, foundByClick, foundBySweep, untold         int
	untoldKilled, redrawn                                                int
	kills, restarts, rolled, dbStops                                     int
	commands, clicks, doubleClicks, redeliveries, retries, failedDeliver int64
	envelopes, acked, notAcked, rollEnvelopes, rollNotAcked, rollLost    int
	elapsed                                                              time.Duration
}

func (c proofCounts) log(t *testing.T, seed uint64) {
	t.Helper()
	t.Logf("seed %d, %s", seed, c.elapsed.Round(time.Second))
	t.Logf("requests %d: succeeded %d, failed %d, denied %d, expired %d, cancelled %d, interrupted %d, still pending %d",
		c.requests, c.states[approval.StateSucceeded], c.states[approval.StateFailed], c.states[approval.StateDenied],
		c.states[approval.StateExpired], c.states[approval.StateCancelled], c.states[approval.StateInterrupted],
		c.states[approval.StatePending]+c.states[approval.StateApproved])
	t.Logf("Cognito writes %d; reminders %d; cards whose thread was saved from a click on them %d, found by a sweeper after their replica died %d",
		c.cognitoWrites, c.reminders, c.foundByClick, c.foundBySweep)
	t.Logf("cards drawn again by a sweeper, left behind their request %d; threads without their last step's notice %d (a replica killed within %s after the step: %d)",
		c.redrawn, c.untold, tellWindow, c.untoldKilled)
	t.Logf("SIGKILLs %d, restarts %d, replicas restarted one by one %d, database stops %d", c.kills, c.restarts, c.rolled, c.dbStops)
	t.Logf("slash commands %d, clicks %d (double %d), redeliveries %d, tried again %d, deliveries that failed %d",
		c.commands, c.clicks, c.doubleClicks, c.redeliveries, c.retries, c.failedDeliver)
	t.Logf("envelopes %d: acked %d, not acked %d; during the rolling restart %d, not acked %d, of them written as their connection closed %d",
		c.envelopes, c.acked, c.notAcked, c.rollEnvelopes, c.rollNotAcked, c.rollLost)
}

// check waits for the replicas to settle what the load left (runs finished or found
// interrupted, cards updated), then holds every request, card, thread, Cognito write and
// envelope to what the issue promises, and returns the counts.
func (pf *proofFixture) check(t *testing.T, ctx context.Context, load *proofLoad, fire *proofFire, fleet *proofFleet) proofCounts {
	t.Helper()
	st, err := postgres.Open(ctx, postgres.Config{URL: pf.storeURL, SkipMigrate: true}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("opening the store: %v", err)
	}
	defer st.Close()

	// Settle: no request approved or running any more, and every card showing its state. A
	// card left behind (its replica killed between storing a step and drawing it, or the
	// update failed) is drawn again by a sweeper within 10 s and one sweep (proofSweepEvery)
	// of the request's last change; a run left by a killed replica is interrupted after its
	// lease (proofRunLease): 90 s covers both many times over.
	var reqs []*approval.Request
	var problems []string
	for deadline := time.Now().Add(90 * time.Second); ; {
		reqs = pf.requests(t, ctx, st)
		problems = pf.unsettled(ctx, st, reqs)
		if len(problems) == 0 || time.Now().After(deadline) {
			break
		}
		if !sleepCtx(ctx, 500*time.Millisecond) {
			break
		}
	}
	for _, p := range problems {
		t.Errorf("not settled: %s", p)
	}

	c := proofCounts{states: map[approval.State]int{}, kills: fire.kills, restarts: fire.restarts, rolled: fire.rolled,
		dbStops: fire.dbStops, commands: load.commands.Load(), clicks: load.clicks.Load(), doubleClicks: load.doubleClicks.Load(),
		redeliveries: load.redeliveries.Load(), retries: load.retries.Load(), failedDeliver: load.failedEnvelopes.Load()}
	c.requests = len(reqs)

	// Pending is read before the requests: a request pending (or approved) when read was so
	// when Pending was, as nothing goes back to pending.
	pending, err := st.Pending(ctx)
	if err != nil {
		t.Fatalf("listing pending requests: %v", err)
	}
	reqs = pf.requests(t, ctx, st)
	listed := map[string]bool{}
	for _, r := range pending {
		listed[r.ID] = true
	}
	ran := map[string]int{} // by Cognito user: runs started
	cards := map[string]*approval.Request{}
	for _, r := range reqs {
		c.states[r.State]++
		if !r.State.Final() && !listed[r.ID] {
			t.Errorf("request %s (%s) is %s and not listed by Pending", r.ID, r.Ticket, r.State)
		}
		if ranStates[r.State] {
			ran[r.Target.Username]++
		}
		if r.Thread.TS != "" {
			cards[r.Thread.TS] = r
		}
		events, err := st.Events(ctx, r.ID)
		if err != nil {
			t.Fatalf("events of %s: %v", r.ID, err)
		}
		reminded := 0
		for _, e := range events {
			if e.Kind == "reminded" {
				reminded++
			}
		}
		if reminded > 1 {
			t.Errorf("request %s (%s) was reminded %d times", r.ID, r.Ticket, reminded)
		}
	}

	// At most one Cognito write per request that ran, counted at the fake: each
	// AdminResetUserPassword sends the user one code.
	for i := range proofUsers {
		writes := len(pf.f.cognito.Sent(prodPoolID, proofUser(i)))
		c.cognitoWrites += writes
		if writes > ran[proofUser(i)] {
			t.Errorf("%s: %d Cognito writes for %d runs", proofUser(i), writes, ran[proofUser(i)])
		}
	}
	if n := pf.f.cognito.Calls("AdminResetUserPassword"); n != c.cognitoWrites {
		t.Errorf("the fake Cognito answered %d AdminResetUserPassword calls and sent %d codes", n, c.cognitoWrites)
	}

	pf.checkMessages(t, &c, cards, reqs)
	c.foundByClick, c.foundBySweep = fleet.cardsFound()
	c.redrawn = fleet.logged(approval.CardRedrawnLog)
	pf.countUntold(t, &c, reqs, fire.killedAt)
	pf.countEnvelopes(t, &c, fire)
	return c
}

// requests reads every request of the proof's users from the store.
func (pf *proofFixture) requests(t *testing.T, ctx context.Context, st *postgres.DB) []*approval.Request {
	t.Helper()
	var out []*approval.Request
	for i := range proofUsers {
		rs, err := st.History(ctx, prodPoolID, proofUser(i), 50)
		if err != nil {
			t.Fatalf("history of %s: %v", proofUser(i), err)
		}
		out = append(out, rs...)
	}
	return out
}

// unsettled lists what still moves: requests approved or running, and cards that do not show
// their request's state yet. Every card must come to show it, whatever replica was killed
// (README: A replica that dies): a card left behind is drawn again by any replica's sweeper.
func (pf *proofFixture) unsettled(ctx context.Context, st *postgres.DB, reqs []*approval.Request) (problems []string) {
	for _, r := range reqs {
		if r.State == approval.StateApproved || r.State == approval.StateRunning {
			problems = append(problems, "request "+r.ID+" ("+r.Ticket+") is "+string(r.State))
			continue
		}
		if r.Thread.TS == "" {
			if r.State == approval.StatePending {
				// Its card is being posted, or its replica died before storing where the card
				// is: a sweeper finds the card, or withdraws the request if it has none.
				problems = append(problems, "request "+r.ID+" ("+r.Ticket+") is pending and has no card yet")
			}
			continue
		}
		m, ok := pf.f.slack.Message(r.Thread.Channel, r.Thread.TS)
		if !ok {
			problems = append(problems, "request "+r.ID+" ("+r.Ticket+"): its card "+r.Thread.TS+" is not in Slack")
			continue
		}
		if strings.Contains(m.Content(), cardLabels[r.State]) {
			continue
		}
		// The request may have moved on since it was read (a pending one expired): read it
		// again, after the card.
		if cur, err := st.Get(ctx, r.ID); err == nil {
			r = cur
		}
		if strings.Contains(m.Content(), cardLabels[r.State]) {
			continue
		}
		problems = append(problems, "request "+r.ID+" ("+r.Ticket+") is "+string(r.State)+", its card says:\n"+m.Content())
	}
	return problems
}

// countUntold counts the final requests whose thread lacks the notice of their last step.
// Notices are told at most once: one lost with the replica killed as it was about to post it
// is not posted again (README: A replica that dies). They are counted and printed, with how
// many of them had a SIGKILL within tellWindow after their step.
func (pf *proofFixture) countUntold(t *testing.T, c *proofCounts, reqs []*approval.Request, kills []time.Time) {
	t.Helper()
	for _, r := range reqs {
		if !r.State.Final() || r.Thread.TS == "" {
			continue
		}
		mark := strings.Fields(cardLabels[r.State])[0]
		if countIn(pf.f.slack.Thread(r.Thread.Channel, r.Thread.TS), r.Thread.TS, mark) > 0 {
			continue
		}
		c.untold++
		killed := killedAfter(kills, r.UpdatedAt)
		if killed {
			c.untoldKilled++
		}
		t.Logf("request %s (%s) is %s; its thread lacks that step's notice (a replica killed within %s after it: %v)",
			r.ID, r.Ticket, r.State, tellWindow, killed)
	}
}

// tellWindow is how long after a step is stored its notice may still be on its way.
const tellWindow = 10 * time.Second

// killedAfter reports whether a replica was killed within tellWindow after t.
func killedAfter(kills []time.Time, t time.Time) bool {
	for _, k := range kills {
		if !k.Before(t) && k.Sub(t) <= tellWindow {
			return true
		}
	}
	return false
}

// checkMessages holds the channel to the requests: every message of the bot's at the top is
// the card of a request that has it as its thread (no notice beside a card, no second card, no
// card whose replica died before storing where it is left to a request without a thread), no
// thread holds two reminders, and no succeeded run is also said to be interrupted. It counts
// the reminders.
func (pf *proofFixture) checkMessages(t *testing.T, c *proofCounts, cards map[string]*approval.Request, reqs []*approval.Request) {
	t.Helper()
	bot := pf.f.slack.BotUserID()
	for _, m := range pf.f.slack.Messages(proofChannel) {
		if m.User != bot {
			continue
		}
		r, ok := cards[m.TS]
		if !ok {
			if w := requestOn(m, reqs); w != nil {
				t.Errorf("the card of request %s (%s, %s, withdrawn %v) is not its thread (%+v): a card left without its request\n%s",
					w.ID, w.Ticket, w.State, w.Withdrawn, w.Thread, m.Content())
				continue
			}
			t.Errorf("a message of the bot's that is no request's card, posted beside the cards:\n%s", m.Content())
			continue
		}
		thread := pf.f.slack.Thread(proofChannel, m.TS)
		n := countIn(thread, m.TS, reminderMark)
		c.reminders += n
		if n > 1 {
			t.Errorf("request %s (%s): %d reminders in its thread", r.ID, r.Ticket, n)
		}
		if r.State == approval.StateSucceeded && countIn(thread, m.TS, interruptedMark) > 0 {
			t.Errorf("request %s (%s) succeeded, and its thread also says it was interrupted", r.ID, r.Ticket)
		}
	}
}

// requestOn returns the request whose card m is, by the request id the card shows, or nil.
func requestOn(m slacktest.Message, reqs []*approval.Request) *approval.Request {
	for _, r := range reqs {
		if strings.Contains(m.Content(), r.ID) {
			return r
		}
	}
	return nil
}

// countIn counts the replies of a thread that contain text.
func countIn(thread []slacktest.Message, parent, text string) int {
	n := 0
	for _, m := range thread {
		if m.TS != parent && strings.Contains(m.Content(), text) {
			n++
		}
	}
	return n
}

// countEnvelopes counts the envelopes Slack sent and whether they were acknowledged. During the
// rolling restart every envelope is acknowledged, but for one Slack writes in the instant a
// stopping replica closes its connection (StatusLost): no client can acknowledge what reaches a
// connection it has closed. Those are counted and printed; the person's retry is held to the
// same checks as every request. An envelope left unacknowledged on an open connection fails.
func (pf *proofFixture) countEnvelopes(t *testing.T, c *proofCounts, fire *proofFire) {
	t.Helper()
	for _, e := range pf.f.slack.Envelopes() {
		c.envelopes++
		acked := e.Status == slacktest.StatusAcked
		if acked {
			c.acked++
		} else {
			c.notAcked++
		}
		if fire.rolled > 0 && !e.SentAt.Before(fire.rollFrom) && !e.SentAt.After(fire.rollTo) {
			c.rollEnvelopes++
			if !acked {
				c.rollNotAcked++
			}
			if e.Status == slacktest.StatusLost {
				c.rollLost++
			} else if !acked {
				t.Errorf("during the rolling restart envelope %s (%s) on %s was not acknowledged: %s", e.ID, e.Type, e.Conn, e.Status)
			}
		}
	}
}
