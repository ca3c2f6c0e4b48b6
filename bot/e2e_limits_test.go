package bot

import (
	"strings"
	"testing"

	"github.com/resetbot/resetbot/approval"
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
