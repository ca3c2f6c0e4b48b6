package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/slacktest"
)

// TestLongestCommandPostsItsCard types the longest command the parser takes, its reason and
// ticket made of the characters Slack escapes, and checks that the card is posted with all
// of the reason on it, and that approving it through the confirm dialog works.
func TestLongestCommandPostsItsCard(t *testing.T) {
	h := newHarness(t)
	ticket := "SUP-" + strings.Repeat("7", MaxValueLen-len("SUP-"))
	head := "reset carol@example.com --ticket " + ticket + " --verified-by callback "
	reason := strings.TrimSpace(strings.Repeat("<&& ", (MaxCommandLen-len(head))/4))
	if n := len(head + reason); n > MaxCommandLen || n < MaxCommandLen-4 {
		t.Fatalf("the command is %d characters, want just under %d", n, MaxCommandLen)
	}
	h.cmd(uAlice, chSupport, head+reason)

	card, r := h.lastCard(chSupport)
	wantState(t, r, approval.StatePending)
	if r.Reason != reason || r.Ticket != ticket {
		t.Errorf("stored reason %q and ticket %q, want what was typed", r.Reason, r.Ticket)
	}
	if got := reasonOnCard(t, card); strings.Join(strings.Fields(got), "") != strings.Join(strings.Fields(reason), "") {
		t.Errorf("the card shows the reason as %q, want %q", got, reason)
	}
	h.click(uLena, chSupport, card.TS, actionApprove)
	_, r = h.lastCard(chSupport)
	wantState(t, r, approval.StateSucceeded)
}

// TestModalIsAnsweredInTimeWhileGroupsAreReadSlowly has Slack answer usergroups.list slowly
// while a person submits the request modal: the submission is checked with the groups read
// before and acknowledged within Slack's 3 s, not held until the slow read ends.
func TestModalIsAnsweredInTimeWhileGroupsAreReadSlowly(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "")
	view := h.openView(uAlice)

	h.clock.Advance(DefaultGroupCacheTTL)
	h.slack.Latency("usergroups.list", slacktest.AckDeadline+time.Second)
	reads := h.slack.Calls("usergroups.list")
	help := make(chan error, 1)
	go func() {
		_, err := h.slack.SlashCommand(h.ctx(), uSam, chSupport, h.command, "help")
		help <- err
	}()
	if err := h.slack.WaitUntil(h.ctx(), func() bool { return h.slack.Calls("usergroups.list") > reads }); err != nil {
		t.Fatal(err)
	}

	ack, err := h.slack.SubmitView(h.ctx(), uAlice, view.ID, map[string]string{
		fieldPool: "prod", fieldTarget: "carol", fieldAction: "reset", fieldTicket: "SUP-9",
		fieldReason: "locked out", fieldVerifiedBy: "callback",
	})
	if err != nil {
		t.Fatalf("the modal's submission: %v", err)
	}
	if ack.ResponseAction() != "" {
		t.Errorf("the modal's submission was answered with %s: %v", ack.ResponseAction(), ack.Errors())
	}
	if err := <-help; err != nil {
		t.Fatal(err)
	}
	h.settle()
	_, r := h.lastCard(chSupport)
	wantState(t, r, approval.StatePending)
}

// TestEnvelopeDeliveredTwiceIsHandledOnce has Slack deliver a slash command and a modal
// submission a second time, with the same envelope_id, as it may while it rotates
// connections: each is acknowledged again, and makes one request.
func TestEnvelopeDeliveredTwiceIsHandledOnce(t *testing.T) {
	h := newHarness(t)
	lastEnvelope := func(typ string) string {
		t.Helper()
		envs := h.slack.Envelopes()
		for i := len(envs) - 1; i >= 0; i-- {
			if envs[i].Type == typ {
				return envs[i].ID
			}
		}
		t.Fatalf("no %s envelope went out", typ)
		return ""
	}
	redeliver := func(id string) {
		t.Helper()
		if _, err := h.slack.Redeliver(h.ctx(), id); err != nil {
			t.Fatalf("redeliver %s: %v", id, err)
		}
		h.settle()
	}

	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-1 --verified-by callback locked out")
	redeliver(lastEnvelope(slacktest.TypeSlashCommands))
	if n := len(h.cards(chSupport)); n != 1 {
		t.Fatalf("a slash command delivered twice made %d cards, want 1", n)
	}

	h.cmd(uAlice, chSupport, "")
	h.submit(uAlice, h.openView(uAlice).ID, map[string]string{
		fieldPool: "prod", fieldTarget: "erin", fieldAction: "reset", fieldTicket: "SUP-2",
		fieldReason: "locked out", fieldVerifiedBy: "callback",
	})
	redeliver(lastEnvelope(slacktest.TypeInteractive))
	if n := len(h.cards(chSupport)); n != 2 {
		t.Fatalf("a modal submission delivered twice made %d cards in all, want 2", n)
	}
}

// TestEnvelopeRedeliveredAfterRestartIsHandledOnce: Slack delivers a slash command again after
// the bot restarted on the same store (the first ack was lost with the process, say). The
// store's claim on the envelope id, not the process's memory, says it was handled: one card.
func TestEnvelopeRedeliveredAfterRestartIsHandledOnce(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-1 --verified-by callback locked out")
	h.settle()
	var id string
	for _, e := range h.slack.Envelopes() {
		if e.Type == slacktest.TypeSlashCommands {
			id = e.ID
		}
	}
	h.restartBot()
	ack, err := h.slack.Redeliver(h.ctx(), id)
	if err != nil {
		t.Fatalf("redeliver %s: %v", id, err)
	}
	h.settle()
	if ack.EnvelopeID != id {
		t.Errorf("the redelivery was acknowledged as %q, want %q", ack.EnvelopeID, id)
	}
	if n := len(h.cards(chSupport)); n != 1 {
		t.Errorf("a slash command redelivered after a restart made %d cards, want 1", n)
	}
	if !strings.Contains(h.logs.String(), "dropping an envelope Slack delivered again") {
		t.Errorf("the dropped redelivery was not logged:\n%s", h.logs.String())
	}
}

// TestApproveDeliveredTwiceIsHandledOnce has Slack deliver an Approve click a second time, as
// it may while it rotates connections, once for an approver the policy refuses and once for
// the approval that runs the request: the workflow claims the envelope with its decision, so
// the second delivery is acknowledged and dropped, with no second answer, audit event or run.
func TestApproveDeliveredTwiceIsHandledOnce(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-1 --verified-by callback locked out")
	card, r := h.lastCard(chSupport)
	lastClick := func() string {
		t.Helper()
		envs := h.slack.Envelopes()
		for i := len(envs) - 1; i >= 0; i-- {
			if envs[i].Type == slacktest.TypeInteractive {
				return envs[i].ID
			}
		}
		t.Fatal("no click went out")
		return ""
	}
	redeliver := func(id string) {
		t.Helper()
		if _, err := h.slack.Redeliver(h.ctx(), id); err != nil {
			t.Fatalf("redeliver %s: %v", id, err)
		}
		h.settle()
	}

	h.click(uAlice, chSupport, card.TS, actionApprove) // the requester may not approve
	refusals := len(h.slack.Ephemerals(uAlice))
	if refusals == 0 {
		t.Fatal("the refused click was not answered")
	}
	redeliver(lastClick())
	if got := len(h.slack.Ephemerals(uAlice)); got != refusals {
		t.Errorf("a refused click delivered twice was answered %d times, want %d", got, refusals)
	}

	h.click(uLena, chSupport, card.TS, actionApprove)
	thread := len(h.replies(chSupport, card.TS))
	redeliver(lastClick())
	if got := h.cog.Calls("AdminResetUserPassword"); got != 1 {
		t.Errorf("an approval delivered twice reset the password %d times, want 1", got)
	}
	if got := len(h.replies(chSupport, card.TS)); got != thread {
		t.Errorf("an approval delivered twice left %d replies in the thread, want %d", got, thread)
	}
	if got := len(h.slack.Ephemerals(uLena)); got != 0 {
		t.Errorf("the approver was answered %d times, want none", got)
	}
	events, err := h.store.Events(h.ctx(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	if diff := cmp.Diff(kinds, []string{"submitted", "approval_refused", "approved", "running", "succeeded"}); diff != "" {
		t.Errorf("audit (-got +want):\n%s", diff)
	}
}
