package bot

import (
	"strings"
	"testing"

	"github.com/resetbot/resetbot/approval"
)

// home opens user's Home tab and returns what it shows.
func (h *harness) home(user string) string {
	h.t.Helper()
	if _, err := h.slack.OpenAppHome(h.ctx(), user); err != nil {
		h.t.Fatalf("%s opens the Home tab: %v", user, err)
	}
	h.settle()
	v, ok := h.slack.Home(user)
	if !ok {
		h.t.Fatalf("no Home tab was published for %s", user)
	}
	return v.Content()
}

// waitingPart is the Home tab's list of what waits for the reader's approval.
func waitingPart(home string) string {
	part, _, _ := strings.Cut(home, "Your open requests")
	return part
}

func TestHomeTab(t *testing.T) {
	h := newHarness(t)
	if got := waitingPart(h.home(uLena)); !strings.Contains(got, "Waiting for your approval* (0)") {
		t.Fatalf("lena's Home tab before any request:\n%s", got)
	}

	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")
	card, r := h.lastCard(chSupport)
	link := "https://example.slack.com/archives/" + chSupport + "/p" + strings.ReplaceAll(card.TS, ".", "")

	// The Home tab of an approver was published again when the card was posted.
	v, _ := h.slack.Home(uLena)
	waiting := waitingPart(v.Content())
	if !strings.Contains(waiting, "Waiting for your approval* (1)") || !strings.Contains(waiting, "`carol`") ||
		!strings.Contains(waiting, "<@"+uAlice+">") || !strings.Contains(waiting, link) {
		t.Fatalf("lena's Home tab does not show the request with its card (%s):\n%s", link, waiting)
	}
	// The same list when she opens it, and none for someone who may not approve.
	if got := waitingPart(h.home(uLena)); !strings.Contains(got, "Waiting for your approval* (1)") || !strings.Contains(got, link) {
		t.Errorf("opening the tab shows another list:\n%s", got)
	}
	if got := waitingPart(h.home(uSam)); !strings.Contains(got, "(0)") {
		t.Errorf("sam, who may not approve, sees:\n%s", got)
	}
	if got, _ := h.slack.Home(uAlice); !strings.Contains(got.Content(), "Your open requests* (1)") {
		t.Errorf("alice's Home tab does not show her open request:\n%s", got.Content())
	}

	h.click(uLena, chSupport, card.TS, actionApprove)
	wantState(t, h.requestOf(card), approval.StateSucceeded)
	v, _ = h.slack.Home(uLena)
	if got := waitingPart(v.Content()); !strings.Contains(got, "(0)") {
		t.Errorf("the approved request is still waiting on lena's Home tab:\n%s", got)
	}
	if _, decided, _ := strings.Cut(v.Content(), "Your last decisions"); !strings.Contains(decided, link) || !strings.Contains(decided, "Done") {
		t.Errorf("lena's last decisions do not show %s done:\n%s", r.ID, decided)
	}
	if got, _ := h.slack.Home(uAlice); !strings.Contains(got.Content(), "Your open requests* (0)") {
		t.Errorf("alice's Home tab still shows the request open:\n%s", got.Content())
	}
}

func TestPendingCommand(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")
	h.cmd(uLeo, chSupport, "pending")
	got := h.ephemeralText(uLeo)
	if !strings.Contains(got, "Waiting for your approval* (1)") || !strings.Contains(got, "`carol`") {
		t.Errorf("leo's pending list:\n%s", got)
	}
	h.cmd(uAlice, chSupport, "pending")
	if got := h.ephemeralText(uAlice); !strings.Contains(got, "Waiting for your approval* (0)") || !strings.Contains(got, "Your open requests* (1)") {
		t.Errorf("alice's pending list:\n%s", got)
	}
	if msgs := h.cards(chSupport); len(msgs) != 1 {
		t.Errorf("pending posted in the channel: %d messages", len(msgs))
	}
}
