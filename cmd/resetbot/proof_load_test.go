package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/resetbot/resetbot/internal/slacktest"
)

// proofFate is what the people do with a request once its card is up.
type proofFate int

const (
	fateApprove proofFate = iota // two leads approve at once
	fateDeny                     // a lead denies while another may approve
	fateLeave                    // nobody decides: it is reminded, then expires
)

// proofLoad is the people of the proof: requesters typing the slash command and leads
// clicking on the cards, as Slack's people do, trying again when Slack showed them an error.
type proofLoad struct {
	t *testing.T
	f *fixture

	mu  sync.Mutex
	rng *rand.Rand
	// cards are the request cards by ticket (watchCards); guarded by mu.
	cards map[string]slacktest.Message
	// views guards each lead's deny modals: one lead denies one request at a time.
	views map[string]*sync.Mutex

	commands, clicks, doubleClicks, redeliveries, failedEnvelopes, retries atomic.Int64
	fates                                                                  [3]atomic.Int64
}

func newProofLoad(pf *proofFixture, seed uint64) *proofLoad {
	l := &proofLoad{t: pf.t, f: pf.f, rng: rand.New(rand.NewPCG(seed, ^seed)), views: map[string]*sync.Mutex{},
		cards: map[string]slacktest.Message{}}
	for _, a := range proofApprovers {
		l.views[a] = &sync.Mutex{}
	}
	return l
}

// chance reports true with probability p.
func (l *proofLoad) chance(p float64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rng.Float64() < p
}

// two picks two different people.
func (l *proofLoad) two(people []string) (string, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i := l.rng.IntN(len(people))
	j := (i + 1 + l.rng.IntN(len(people)-1)) % len(people)
	return people[i], people[j]
}

// run starts the requests one every proofPace and waits until each is done with.
func (l *proofLoad) run(ctx context.Context) {
	watchCtx, stopWatching := context.WithCancel(ctx)
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		l.watchCards(watchCtx)
	}()
	defer func() { stopWatching(); <-watching }()
	var wg sync.WaitGroup
	tick := time.NewTicker(proofPace)
	defer tick.Stop()
	for i := range proofRequests {
		select {
		case <-tick.C:
		case <-ctx.Done():
			l.t.Errorf("the load stopped after %d requests: %v", i, ctx.Err())
			wg.Wait()
			return
		}
		wg.Go(func() { l.request(ctx, i) })
	}
	wg.Wait()
}

// proofTicket is the ticket of the request numbered i, which finds its card.
func proofTicket(i int) string { return fmt.Sprintf("SUP-%d", 1000+i) }

// request is one request's life as people see it.
func (l *proofLoad) request(ctx context.Context, i int) {
	requester := proofRequesters[i%len(proofRequesters)]
	text := fmt.Sprintf("reset %s@example.com --pool prod --ticket %s locked out", proofUser(i), proofTicket(i))
	card, ok := l.submit(ctx, requester, text, proofTicket(i))
	if !ok {
		l.t.Errorf("request %s: no card after the slash command was typed again and again", proofTicket(i))
		return
	}
	fate := proofFate(i % 5 % 3) // 0,1,2,0,1: approve twice as often
	l.fates[fate].Add(1)
	switch fate {
	case fateApprove:
		l.approve(ctx, card)
	case fateDeny:
		l.deny(ctx, card)
	case fateLeave:
	}
}

// submit types the slash command until its card is up: a command Slack could not deliver,
// or one refused while the database is away, is typed again.
func (l *proofLoad) submit(ctx context.Context, requester, text, ticket string) (slacktest.Message, bool) {
	for attempt := range 8 {
		if attempt > 0 {
			l.retries.Add(1)
		}
		l.commands.Add(1)
		ack, err := l.f.slack.SlashCommand(ctx, requester, proofChannel, "/cognito", text)
		if err != nil {
			l.failedEnvelopes.Add(1)
			if !sleepCtx(ctx, 500*time.Millisecond) {
				return slacktest.Message{}, false
			}
			continue
		}
		if l.chance(0.25) {
			l.redeliver(ctx, ack.EnvelopeID)
		}
		if c, ok := l.waitCard(ctx, ticket, 12*time.Second); ok {
			return c, true
		}
	}
	return slacktest.Message{}, false
}

// waitCard waits for the request card of the ticket, as watchCards finds it.
func (l *proofLoad) waitCard(ctx context.Context, ticket string, d time.Duration) (slacktest.Message, bool) {
	deadline := time.Now().Add(d)
	for {
		l.mu.Lock()
		c, ok := l.cards[ticket]
		l.mu.Unlock()
		if ok {
			return c, true
		}
		if time.Now().After(deadline) || !sleepCtx(ctx, 50*time.Millisecond) {
			return slacktest.Message{}, false
		}
	}
}

// proofTicketRE finds a request's ticket on its card.
var proofTicketRE = regexp.MustCompile(`SUP-[0-9]+`)

// watchCards indexes the request cards by ticket as they appear, until ctx ends: one reader of
// the channel, rather than hundreds of people each reading all of it after every change.
func (l *proofLoad) watchCards(ctx context.Context) {
	bot := l.f.slack.BotUserID()
	seen := 0
	for sleepCtx(ctx, 50*time.Millisecond) {
		msgs := l.f.slack.Messages(proofChannel)
		for _, m := range msgs[min(seen, len(msgs)):] {
			if m.User != bot || !strings.Contains(string(m.Blocks), `"approve"`) {
				continue
			}
			if ticket := proofTicketRE.FindString(m.Content()); ticket != "" {
				l.mu.Lock()
				if _, ok := l.cards[ticket]; !ok {
					l.cards[ticket] = m
				}
				l.mu.Unlock()
			}
		}
		seen = len(msgs)
	}
}

// redeliver has Slack deliver an acknowledged envelope again, to the connection it picks.
func (l *proofLoad) redeliver(ctx context.Context, id string) {
	l.redeliveries.Add(1)
	if _, err := l.f.slack.Redeliver(ctx, id); err != nil {
		l.failedEnvelopes.Add(1)
	}
}

// click has a person click a button on the card; some envelopes are delivered again.
func (l *proofLoad) click(ctx context.Context, user, ts, action string) {
	l.clicks.Add(1)
	ack, err := l.f.slack.Click(ctx, user, proofChannel, ts, action)
	if err != nil {
		// The buttons are gone (decided meanwhile), or Slack could not deliver the click.
		l.failedEnvelopes.Add(1)
		return
	}
	if l.chance(0.25) {
		l.redeliver(ctx, ack.EnvelopeID)
	}
}

// approve has two leads click Approve at once, some of them twice, until the card shows a
// decision: a click lost with a replica, or refused while the database was away, is clicked
// again, as people do.
func (l *proofLoad) approve(ctx context.Context, card slacktest.Message) {
	a, b := l.two(proofApprovers)
	for round := range 5 {
		if round > 0 {
			l.retries.Add(1)
		}
		var wg sync.WaitGroup
		for _, who := range []string{a, b} {
			wg.Go(func() {
				l.click(ctx, who, card.TS, "approve")
				if l.chance(0.3) {
					l.doubleClicks.Add(1)
					l.click(ctx, who, card.TS, "approve")
				}
			})
		}
		wg.Wait()
		if l.waitDecided(ctx, card.TS, 10*time.Second) {
			return
		}
	}
}

// deny has a lead deny the request (a click, then the modal's reason) while another lead may
// approve it at the same moment, until the card shows a decision.
func (l *proofLoad) deny(ctx context.Context, card slacktest.Message) {
	denier, other := l.two(proofApprovers)
	for round := range 5 {
		if round > 0 {
			l.retries.Add(1)
		}
		var wg sync.WaitGroup
		if l.chance(0.5) {
			wg.Go(func() { l.click(ctx, other, card.TS, "approve") })
		}
		wg.Go(func() { l.denyOnce(ctx, denier, card.TS) })
		wg.Wait()
		if l.waitDecided(ctx, card.TS, 10*time.Second) {
			return
		}
	}
}

// denyOnce clicks Deny and submits the modal it opens with a reason.
func (l *proofLoad) denyOnce(ctx context.Context, lead, ts string) {
	mu := l.views[lead]
	mu.Lock()
	defer mu.Unlock()
	seen := map[string]bool{}
	for _, v := range l.f.slack.Views(lead) {
		seen[v.ID] = true
	}
	l.click(ctx, lead, ts, "deny")
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, v := range l.f.slack.Views(lead) {
			if seen[v.ID] || !v.Open || v.CallbackID != "deny" {
				continue
			}
			ack, err := l.f.slack.SubmitView(ctx, lead, v.ID, map[string]string{"deny_reason": "Not verified; call the user back first"})
			if err != nil {
				l.failedEnvelopes.Add(1)
			} else if l.chance(0.25) {
				l.redeliver(ctx, ack.EnvelopeID)
			}
			return
		}
		if !sleepCtx(ctx, 50*time.Millisecond) {
			return
		}
	}
}

// waitDecided waits until the card no longer waits for approval.
func (l *proofLoad) waitDecided(ctx context.Context, ts string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if m, ok := l.f.slack.Message(proofChannel, ts); ok && !strings.Contains(m.Content(), cardLabels["pending"]) {
			return true
		}
		if !sleepCtx(ctx, 100*time.Millisecond) {
			return false
		}
	}
	return false
}

// sleepCtx sleeps for d, or less when ctx ends first; it reports whether ctx is still live.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
