package bot

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/slacktest"
)

// followUp has user click the follow-up button of the message at ts in the support channel,
// checks that the request form opened filled in with the user, the pool and the action and
// nothing the original request carried, submits it with a ticket of its own and returns the
// new request's card.
func (h *harness) followUp(user, ts, ticket string) (slacktest.Message, *approval.Request) {
	h.t.Helper()
	h.click(user, chSupport, ts, actionFollowUp)
	view := h.openView(user)
	got := initialValues(h.t, view)
	want := map[string]string{fieldPool: "prod", fieldTarget: "dave", fieldAction: "verify-email", fieldTicket: "", fieldReason: "", fieldVerifiedBy: ""}
	for f := range got {
		if _, ok := want[f]; !ok {
			delete(got, f)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		h.t.Fatalf("the follow-up form starts with (-want +got):\n%s", diff)
	}
	ack := h.submit(user, view.ID, map[string]string{fieldTicket: ticket, fieldReason: "confirmed the address on a call", fieldVerifiedBy: "callback"})
	if ack.ResponseAction() != "" {
		h.t.Fatalf("the follow-up form was answered with %s: %v", ack.ResponseAction(), ack.Errors())
	}
	return h.lastCard(chSupport)
}

// initialValues reads what a view's inputs start with, by block id.
func initialValues(t *testing.T, v slacktest.View) map[string]string {
	t.Helper()
	blocks, err := v.SlackBlocks()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, b := range blocks.BlockSet {
		in, ok := b.(*slack.InputBlock)
		if !ok {
			continue
		}
		switch el := in.Element.(type) {
		case *slack.PlainTextInputBlockElement:
			out[in.BlockID] = el.InitialValue
		case *slack.SelectBlockElement:
			if el.InitialOption != nil {
				out[in.BlockID] = el.InitialOption.Value
			} else {
				out[in.BlockID] = ""
			}
		}
	}
	return out
}

// TestFollowUpOnlyForTheRequester has someone else click the follow-up of Alice's reset: they
// are told it is not theirs, and nothing opens or is created.
func TestFollowUpOnlyForTheRequester(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "reset dave --ticket SUP-9 --verified-by callback cannot sign in")
	card, reset := h.lastCard(chSupport)
	if !strings.Contains(string(card.Blocks), `"action_id":"`+actionFollowUp+`"`) {
		t.Fatalf("the card offers no follow-up:\n%s", card.Content())
	}
	h.click(uLena, chSupport, card.TS, actionFollowUp)
	if vs := h.slack.Views(uLena); len(vs) != 0 {
		t.Errorf("a form opened for someone who did not make the request: %+v", vs)
	}
	if got := len(h.cards(chSupport)); got != 1 {
		t.Errorf("%d cards in the channel, want only the reset's", got)
	}
	if got := h.ephemeralText(uLena); !strings.Contains(got, "Only the person who made this request can ask for verify-email") {
		t.Errorf("lena was told %q", got)
	}
	if got := h.requestOf(card); got.ID != reset.ID || got.State != approval.StatePending {
		t.Errorf("the reset is %s %s, want %s still pending", got.ID, got.State, reset.ID)
	}
}

// The same command typed twice while the first request is open makes one card; the second
// time the requester is told, alone, with a link to the open card.
func TestSameRequestTwiceLinksToTheOpenCard(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")
	card, _ := h.lastCard(chSupport)
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")
	if got := len(h.cards(chSupport)); got != 1 {
		t.Fatalf("%d cards, want 1", got)
	}
	got := h.ephemeralText(uAlice)
	link := "/archives/" + chSupport + "/p" + strings.ReplaceAll(card.TS, ".", "") + "|Open the card>"
	if !strings.Contains(got, "You already asked for `reset` for `carol` in pool `prod`, and that request is still pending") || !strings.Contains(got, link) {
		t.Errorf("alice was told %q, want the open request and a link to its card (%s)", got, link)
	}
}
