package main

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resetbot/resetbot/internal/pgtest"
)

// TestTwoReplicasRunARequestOnce runs two `resetbot serve` processes on one PostgreSQL store
// and one fake Slack, which hands envelopes to either connection: a request approved with a
// double click, whose click and slash command are delivered again, is carded once and run once.
func TestTwoReplicasRunARequestOnce(t *testing.T) {
	f := newFixture(t)
	store := pgtest.NewDatabase(t)
	f.env["RESETBOT_STORE"] = store
	u, err := ParseStoreURL(store)
	if err != nil {
		t.Fatal(err)
	}
	dbPassword := urlPassword(u)

	replicas := []*process{startProcess(t, f), startProcess(t, f)}
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	if err := f.slack.WaitConnections(ctx, len(replicas)); err != nil {
		t.Fatalf("waiting for both Socket Mode connections: %v", err)
	}
	for _, p := range replicas {
		p.waitReady(t, ctx, f)
	}

	command, err := f.slack.SlashCommand(ctx, requester, exampleChannel, "/cognito",
		"reset "+targetEmail+" --pool prod --ticket SUP-123 --verified-by callback locked out after a phone change")
	if err != nil {
		t.Fatalf("slash command: %v", err)
	}
	c := waitCard(t, ctx, f)
	if _, err := f.slack.Redeliver(ctx, command.EnvelopeID); err != nil {
		t.Fatalf("redelivering the slash command: %v", err)
	}

	var wg sync.WaitGroup
	clicks := make(chan string, 2)
	for range 2 {
		wg.Go(func() {
			ack, err := f.slack.Click(ctx, approver, exampleChannel, c.TS, "approve")
			if err != nil {
				t.Errorf("approve click: %v", err)
				return
			}
			clicks <- ack.EnvelopeID
		})
	}
	wg.Wait()
	close(clicks)
	for id := range clicks {
		if _, err := f.slack.Redeliver(ctx, id); err != nil {
			t.Errorf("redelivering a click: %v", err)
		}
	}
	// The result goes in the card's thread, even when the click beat the other replica's
	// saving of the thread.
	waitThread(t, ctx, f, c, succeeded)

	if n := f.cognito.Calls("AdminResetUserPassword"); n != 1 {
		t.Errorf("AdminResetUserPassword called %d times by two replicas, want 1", n)
	}
	cards := 0
	for _, m := range f.slack.Messages(exampleChannel) {
		if m.User == f.slack.BotUserID() && (m.ThreadTS == "" || m.ThreadTS == m.TS) && strings.Contains(m.Content(), "SUP-123") {
			cards++
		}
	}
	if cards != 1 {
		t.Errorf("%d cards for one request, want 1", cards)
	}
	for i, p := range replicas {
		stopProcess(t, p)
		if strings.Contains(p.rawLogs(), dbPassword) {
			t.Errorf("replica %d logged the database password", i)
		}
	}
}
