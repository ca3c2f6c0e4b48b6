package bot

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/resetbot/resetbot/approval"
)

// wantState fails the test unless the request is in the state.
func wantState(t *testing.T, r *approval.Request, want approval.State) {
	t.Helper()
	if r.State != want {
		t.Fatalf("request %s is %s (%s), want %s", r.ID, r.State, r.Outcome, want)
	}
}

// wantReplies fails the test unless the thread's replies hold these texts, in order.
func wantReplies(t *testing.T, h *harness, channel, ts string, want ...string) {
	t.Helper()
	got := h.replies(channel, ts)
	if len(got) != len(want) {
		var texts []string
		for _, m := range got {
			texts = append(texts, m.Text)
		}
		t.Fatalf("thread %s has %d replies, want %d:\n%s", ts, len(got), len(want), strings.Join(texts, "\n"))
	}
	for i, w := range want {
		if !strings.Contains(got[i].Text, w) {
			t.Errorf("reply %d = %q, want it to hold %q", i, got[i].Text, w)
		}
	}
}

func TestResetByCommand(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "reset carol@example.com --ticket SUP-123 --verified-by callback locked out after a phone change")

	card, r := h.lastCard(chSupport)
	wantState(t, r, approval.StatePending)
	if !strings.Contains(card.Text, "<!subteam^"+groupLeads+">") {
		t.Errorf("the card does not mention the approvers' group, so they are not notified: %q", card.Text)
	}
	if strings.Contains(card.Content(), "carol@example.com") {
		t.Errorf("the card shows the email unmasked:\n%s", card.Content())
	}

	h.click(uLena, chSupport, card.TS, actionApprove)
	card, r = h.lastCard(chSupport)
	wantState(t, r, approval.StateSucceeded)
	if got := h.cog.Calls("AdminResetUserPassword"); got != 1 {
		t.Errorf("AdminResetUserPassword called %d times, want 1", got)
	}
	if strings.Contains(card.Content(), "Approve") {
		t.Errorf("the final card still has buttons:\n%s", card.Content())
	}
	wantReplies(t, h, chSupport, card.TS, "Approved (1 of 1)", "Running reset for carol", "✅")

	// The end user cannot sign in with the old password; Cognito asks for a reset.
	_, err := h.signIn("carol", carolPassword)
	var reset *ciptypes.PasswordResetRequiredException
	if !errors.As(err, &reset) {
		t.Fatalf("sign-in after the reset: %v, want PasswordResetRequiredException", err)
	}
	// With the code Cognito sent, the user chooses a new password and signs in.
	code := h.cog.Code(poolProd, "carol")
	if code == "" {
		t.Fatal("Cognito sent carol no code")
	}
	if _, err := h.endUser.ConfirmForgotPassword(h.ctx(), &cip.ConfirmForgotPasswordInput{
		ClientId: aws.String(webClient), Username: aws.String("carol"),
		ConfirmationCode: aws.String(code), Password: aws.String("Carol-new-pass-2"),
	}); err != nil {
		t.Fatalf("ConfirmForgotPassword: %v", err)
	}
	if _, err := h.signIn("carol", "Carol-new-pass-2"); err != nil {
		t.Fatalf("sign-in with the new password: %v", err)
	}
}

func TestResetByModal(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "")
	view := h.openView(uAlice)
	if view.CallbackID != callbackRequest {
		t.Fatalf("open view is %q, want the request modal", view.CallbackID)
	}
	// Only what alice may use is offered: she is in support, not a lead.
	offered := string(view.Blocks)
	for _, want := range []string{`"value":"prod"`, `"value":"staging"`, `"value":"reset"`, `"value":"callback"`} {
		if !strings.Contains(offered, want) {
			t.Errorf("the modal does not offer %s", want)
		}
	}
	if strings.Contains(offered, `"value":"permanent-password"`) {
		t.Error("the modal offers permanent-password, which only leads may ask for")
	}

	// A request without the ticket the rule needs comes back with the error beside the field.
	values := map[string]string{
		fieldPool: "prod", fieldTarget: "carol", fieldAction: "reset",
		fieldReason: "locked out", fieldVerifiedBy: "callback",
	}
	h.submit(uAlice, view.ID, values)
	view = h.openView(uAlice)
	if view.Errors[fieldTicket] == "" {
		t.Fatalf("no error beside the ticket; errors: %v", view.Errors)
	}
	if len(h.cards(chSupport)) != 0 {
		t.Fatal("a card was posted for a refused modal")
	}
	// An unknown user is refused beside the user field.
	values[fieldTicket] = "SUP-77"
	values[fieldTarget] = "nobody-here"
	h.submit(uAlice, view.ID, values)
	if view = h.openView(uAlice); view.Errors[fieldTarget] == "" {
		t.Fatalf("no error beside the user; errors: %v", view.Errors)
	}

	values[fieldTarget] = "carol"
	h.submit(uAlice, view.ID, values)
	if vs := h.slack.Views(uAlice); len(vs) != 0 {
		t.Fatalf("the modal stayed open: %+v", vs[0].Errors)
	}
	card, r := h.lastCard(chSupport)
	wantState(t, r, approval.StatePending)
	if r.Ticket != "SUP-77" || r.VerifiedBy != "callback" || r.Reason != "locked out" || r.Requester != uAlice {
		t.Errorf("request = %+v", r)
	}

	h.click(uLeo, chSupport, card.TS, actionApprove)
	_, r = h.lastCard(chSupport)
	wantState(t, r, approval.StateSucceeded)
	var reset *ciptypes.PasswordResetRequiredException
	if _, err := h.signIn("carol", carolPassword); !errors.As(err, &reset) {
		t.Fatalf("sign-in after the reset: %v, want PasswordResetRequiredException", err)
	}
}

func TestDeny(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")
	card, _ := h.lastCard(chSupport)

	// Someone who may not decide is told so at once, no form opens, and nothing changes.
	h.click(uSam, chSupport, card.TS, actionDeny)
	h.settle()
	if vs := h.slack.Views(uSam); len(vs) != 0 {
		t.Errorf("a deny form opened for someone who may not deny: %s", vs[0].CallbackID)
	}
	_, r := h.lastCard(chSupport)
	wantState(t, r, approval.StatePending)
	if got := h.ephemeralText(uSam); !strings.Contains(got, "That changed nothing") || !strings.Contains(got, "may deny this request") {
		t.Errorf("sam was not told who may deny:\n%s", got)
	}

	h.click(uLena, chSupport, card.TS, actionDeny)
	view := h.openView(uLena)
	if view.CallbackID != callbackDeny {
		t.Fatalf("open view is %q, want the deny modal", view.CallbackID)
	}
	h.submit(uLena, view.ID, map[string]string{fieldDenyReason: "   "})
	if view = h.openView(uLena); view.Errors[fieldDenyReason] == "" {
		t.Fatalf("a denial without a reason was taken; errors: %v", view.Errors)
	}
	h.submit(uLena, view.ID, map[string]string{fieldDenyReason: "call the user back first <!channel>"})

	card, r = h.lastCard(chSupport)
	wantState(t, r, approval.StateDenied)
	if r.DecidedBy != uLena || r.DenyReason != "call the user back first <!channel>" {
		t.Errorf("denied by %q for %q", r.DecidedBy, r.DenyReason)
	}
	wantReplies(t, h, chSupport, card.TS, "call the user back first &lt;!channel&gt;")
	if strings.Contains(h.slack.AllText(), "<!channel>") {
		t.Error("a typed <!channel> reached Slack unescaped")
	}
	if got := h.cog.Calls("AdminResetUserPassword"); got != 0 {
		t.Errorf("AdminResetUserPassword called %d times after a denial", got)
	}
	if strings.Contains(card.Content(), "Approve") {
		t.Errorf("the denied card still has buttons:\n%s", card.Content())
	}
}

func TestCancelIsRequesterOnly(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")
	card, _ := h.lastCard(chSupport)

	h.click(uSam, chSupport, card.TS, actionCancel)
	_, r := h.lastCard(chSupport)
	wantState(t, r, approval.StatePending)
	if got := h.ephemeralText(uSam); !strings.Contains(got, "Only the person who made this request can cancel it") {
		t.Errorf("sam was not told why not:\n%s", got)
	}

	h.click(uAlice, chSupport, card.TS, actionCancel)
	card, r = h.lastCard(chSupport)
	wantState(t, r, approval.StateCancelled)
	wantReplies(t, h, chSupport, card.TS, "Cancelled")
}

func TestReminderAndExpiry(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")
	card, _ := h.lastCard(chSupport)

	h.clock.Advance(31 * time.Minute) // the rule reminds after 30m
	if err := h.svc.Sweep(h.ctx()); err != nil {
		t.Fatal(err)
	}
	h.settle()
	wantReplies(t, h, chSupport, card.TS, "<!subteam^"+groupLeads+">")

	h.clock.Advance(4 * time.Hour) // and expires after 4h
	if err := h.svc.Sweep(h.ctx()); err != nil {
		t.Fatal(err)
	}
	h.settle()
	card, r := h.lastCard(chSupport)
	wantState(t, r, approval.StateExpired)
	wantReplies(t, h, chSupport, card.TS, "Still waiting", "Expired")
	if strings.Contains(card.Content(), "Approve") {
		t.Fatalf("the expired card still has buttons:\n%s", card.Content())
	}
	if got := h.cog.Calls("AdminResetUserPassword"); got != 0 {
		t.Errorf("AdminResetUserPassword called %d times for an expired request", got)
	}
}

func TestSelfApprovalRefused(t *testing.T) {
	h := newHarness(t)
	h.cmd(uBoss, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")
	card, _ := h.lastCard(chSupport)

	h.click(uBoss, chSupport, card.TS, actionApprove)
	_, r := h.lastCard(chSupport)
	wantState(t, r, approval.StatePending)
	if got := h.ephemeralText(uBoss); !strings.Contains(got, "That changed nothing") {
		t.Errorf("the requester was not told why not:\n%s", got)
	}
	if got := h.cog.Calls("AdminResetUserPassword"); got != 0 {
		t.Errorf("AdminResetUserPassword called %d times after a self-approval", got)
	}

	h.click(uLena, chSupport, card.TS, actionApprove)
	_, r = h.lastCard(chSupport)
	wantState(t, r, approval.StateSucceeded)
}

func TestUnauthorisedApproverRefused(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")
	card, _ := h.lastCard(chSupport)
	before := len(h.replies(chSupport, card.TS))

	h.click(uSam, chSupport, card.TS, actionApprove)
	_, r := h.lastCard(chSupport)
	wantState(t, r, approval.StatePending)
	if len(r.Approvals) != 0 {
		t.Errorf("approvals = %v, want none", r.Approvals)
	}
	if got := h.ephemeralText(uSam); !strings.Contains(got, "That changed nothing") || !strings.Contains(got, "may approve this request") {
		t.Errorf("sam was not told who may approve:\n%s", got)
	}
	if after := len(h.replies(chSupport, card.TS)); after != before {
		t.Errorf("a refused click added %d replies to the thread", after-before)
	}
	if got := h.cog.Calls("AdminResetUserPassword"); got != 0 {
		t.Errorf("AdminResetUserPassword called %d times", got)
	}
}

func TestConcurrentApprovalsRunOnce(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "reset frank --ticket SUP-8 --verified-by callback suspected takeover")
	card, _ := h.lastCard(chSupport)

	// A double click by one approver and a click by another, all at once.
	var wg sync.WaitGroup
	for _, u := range []string{uLena, uLena, uLeo} {
		wg.Go(func() {
			if _, err := h.slack.Click(h.ctx(), u, chSupport, card.TS, actionApprove); err != nil {
				t.Errorf("%s clicks approve: %v", u, err)
			}
		})
	}
	wg.Wait()
	h.settle()

	_, r := h.lastCard(chSupport)
	wantState(t, r, approval.StateSucceeded)
	if got := h.cog.Calls("AdminResetUserPassword"); got != 1 {
		t.Errorf("AdminResetUserPassword called %d times, want exactly 1", got)
	}
	if got := len(r.Approvals); got != 1 {
		t.Errorf("%d approvals recorded, want 1", got)
	}
}

func TestNoVerifiedContactThenVerifyEmailFollowUp(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "reset dave --ticket SUP-9 --verified-by callback cannot sign in")
	card, _ := h.lastCard(chSupport)
	h.click(uLena, chSupport, card.TS, actionApprove)
	_, r := h.lastCard(chSupport)
	wantState(t, r, approval.StateFailed)
	if r.ErrorCode != approval.ENOVERIFIEDCONTACT {
		t.Fatalf("failed with %q (%s), want %q", r.ErrorCode, r.Outcome, approval.ENOVERIFIEDCONTACT)
	}

	// The failure offers the verify-email follow-up as a button in the thread.
	replies := h.replies(chSupport, card.TS)
	last := replies[len(replies)-1]
	if !strings.Contains(string(last.Blocks), `"action_id":"`+actionFollowUp+`"`) {
		t.Fatalf("the failure offers no follow-up:\n%s", last.Content())
	}
	verifyCard, verify := h.followUp(uAlice, last.TS, "SUP-10")
	if verify.Action != "verify-email" || verify.Target.Username != "dave" || verify.Ticket != "SUP-10" || verify.Requester != uAlice {
		t.Fatalf("follow-up request = %+v", verify)
	}
	h.click(uLena, chSupport, verifyCard.TS, actionApprove)
	_, verify = h.lastCard(chSupport)
	wantState(t, verify, approval.StateSucceeded)

	// Now the reset goes through, and the code goes to the address just verified.
	h.cmd(uAlice, chSupport, "reset dave --ticket SUP-9 --verified-by callback cannot sign in")
	card, _ = h.lastCard(chSupport)
	h.click(uLeo, chSupport, card.TS, actionApprove)
	_, r = h.lastCard(chSupport)
	wantState(t, r, approval.StateSucceeded)
	sent := h.cog.Sent(poolProd, "dave")
	if len(sent) == 0 || sent[len(sent)-1].Destination != "dave@example.com" {
		t.Fatalf("messages sent to dave: %+v", sent)
	}
	var reset *ciptypes.PasswordResetRequiredException
	if _, err := h.signIn("dave", "Dave-old-pass-1"); !errors.As(err, &reset) {
		t.Fatalf("sign-in after the reset: %v, want PasswordResetRequiredException", err)
	}
}

func TestNoVerifiedContactSaidBeforeApproval(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "reset dave --ticket SUP-9 --verified-by callback cannot sign in")
	card, reset := h.lastCard(chSupport)
	if !strings.Contains(card.Content(), "This reset cannot be delivered") {
		t.Fatalf("the card of a reset for a user with no verified contact does not say it cannot be delivered:\n%s", card.Content())
	}

	// The card offers to verify the email first, as a request of its own.
	verifyCard, verify := h.followUp(uAlice, card.TS, "SUP-10")
	if verify.Action != "verify-email" || verify.Target.Username != "dave" || verify.Ticket != "SUP-10" || verify.Requester != uAlice {
		t.Fatalf("verify-first request = %+v", verify)
	}
	if got := h.requestOf(card); got.ID != reset.ID || got.State != approval.StatePending {
		t.Errorf("the reset is %s %s, want %s still pending", got.ID, got.State, reset.ID)
	}
	h.click(uLena, chSupport, verifyCard.TS, actionApprove)
	_, verify = h.lastCard(chSupport)
	wantState(t, verify, approval.StateSucceeded)

	// A reset asked for now can be delivered, and its card says nothing against it.
	h.cmd(uAlice, chSupport, "reset dave --ticket SUP-9 --verified-by callback cannot sign in")
	card, _ = h.lastCard(chSupport)
	if strings.Contains(card.Content(), "cannot be delivered") {
		t.Errorf("the card of a deliverable reset warns:\n%s", card.Content())
	}
}
