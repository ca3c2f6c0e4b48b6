package bot

import (
	"strings"
	"testing"
	"time"

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
