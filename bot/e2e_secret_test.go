package bot

import (
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/resetbot/resetbot/approval"
)

// passwordInMessage finds the password in the secret message: the code span after "for your
// eyes only:", with Slack's escaping undone.
var passwordInMessage = regexp.MustCompile("for your eyes only:\n`([^`]+)`")

func TestTemporaryPasswordReachesOnlyTheRequester(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "temp-password erin --ticket SUP-42 --verified-by video-call lost her phone")
	card, _ := h.lastCard(chSupport)
	h.click(uLena, chSupport, card.TS, actionApprove)
	card, r := h.lastCard(chSupport)
	wantState(t, r, approval.StateSucceeded)

	// Alice, and only alice, was shown the password, in the request's channel.
	var password string
	for _, e := range h.slack.Ephemerals(uAlice) {
		if m := passwordInMessage.FindStringSubmatch(e.Text + "\n" + e.Content()); m != nil {
			if e.Channel != chSupport || e.Via != "chat.postEphemeral" {
				t.Errorf("the password came in %s via %s, want %s via chat.postEphemeral", e.Channel, e.Via, chSupport)
			}
			password = html.UnescapeString(m[1])
		}
	}
	if password == "" {
		t.Fatalf("alice was not shown the password; her ephemerals:\n%s", h.ephemeralText(uAlice))
	}

	// The end user signs in with it, must choose a new one, and is confirmed.
	out, err := h.signIn("erin", password)
	if err != nil {
		t.Fatalf("sign-in with the temporary password: %v", err)
	}
	if out.ChallengeName != ciptypes.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("challenge = %q, want NEW_PASSWORD_REQUIRED", out.ChallengeName)
	}
	if _, err := h.endUser.RespondToAuthChallenge(h.ctx(), &cip.RespondToAuthChallengeInput{
		ClientId:           aws.String(webClient),
		ChallengeName:      ciptypes.ChallengeNameTypeNewPasswordRequired,
		Session:            out.Session,
		ChallengeResponses: map[string]string{"USERNAME": "erin", "NEW_PASSWORD": "Erin-chosen-pass-2"},
	}); err != nil {
		t.Fatalf("answer NEW_PASSWORD_REQUIRED: %v", err)
	}
	if got := h.userStatus("erin"); got != "CONFIRMED" {
		t.Errorf("erin is %s, want CONFIRMED", got)
	}

	h.settle()
	assertSecretOnlyInEphemeral(t, h, password, uAlice, chSupport)
}

// assertSecretOnlyInEphemeral scans everything the bot sent to Slack, its logs and its store
// for the password: it may appear only in the chat.postEphemeral call to the requester.
func assertSecretOnlyInEphemeral(t *testing.T, h *harness, password, requester, channel string) {
	t.Helper()
	forms := []string{password, esc(password), url.QueryEscape(password), url.QueryEscape(esc(password))}
	holds := func(s string) bool {
		for _, f := range forms {
			if strings.Contains(s, f) {
				return true
			}
		}
		return false
	}
	shown := 0
	for _, rec := range h.slack.Record() {
		if !holds(rec.Body + "\n" + strings.Join(rec.Strings, "\n")) {
			continue
		}
		q, _ := url.ParseQuery(rec.Body)
		if rec.Kind != "chat.postEphemeral" || q.Get("user") != requester || q.Get("channel") != channel {
			t.Errorf("the password was sent to Slack in %s (%s)", rec.Kind, rec.Body[:min(len(rec.Body), 120)])
			continue
		}
		shown++
	}
	if shown != 1 {
		t.Errorf("the password was shown %d times, want once", shown)
	}
	for _, ch := range []string{chSupport, chStaging, chElsewhere} {
		for _, m := range h.slack.Messages(ch) {
			if holds(m.Content()) {
				t.Errorf("the password is in a message in %s", ch)
			}
			for _, reply := range h.replies(ch, m.TS) {
				if holds(reply.Content()) {
					t.Errorf("the password is in a thread reply in %s", ch)
				}
			}
		}
	}
	for _, u := range []string{uAlice, uSam, uLena, uLeo, uBoss} {
		for _, m := range h.slack.DMs(u) {
			if holds(m.Content()) {
				t.Errorf("the password is in a direct message to %s", u)
			}
		}
		if u != requester && holds(h.ephemeralText(u)) {
			t.Errorf("the password was shown to %s", u)
		}
	}
	if holds(h.logs.String()) {
		t.Error("the password is in the logs")
	}
	// The store: the database file and its write-ahead log, byte for byte.
	dir := filepath.Dir(h.dbPath)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if holds(string(b)) {
			t.Errorf("the password is in the store's file %s", e.Name())
		}
	}
}

func TestPasswordFallsBackToDirectMessage(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "temp-password erin --ticket SUP-42 --verified-by video-call lost her phone")
	card, _ := h.lastCard(chSupport)
	h.slack.FailNext("chat.postEphemeral", "user_not_in_channel")
	h.click(uLena, chSupport, card.TS, actionApprove)
	_, r := h.lastCard(chSupport)
	wantState(t, r, approval.StateSucceeded)

	var password string
	for _, m := range h.slack.DMs(uAlice) {
		if match := passwordInMessage.FindStringSubmatch(m.Text + "\n" + m.Content()); match != nil {
			password = html.UnescapeString(match[1])
		}
	}
	if password == "" {
		t.Fatalf("alice got no direct message with the password")
	}
	if strings.Contains(h.logs.String(), password) {
		t.Error("the password is in the logs")
	}
	for _, u := range []string{uSam, uLena, uLeo, uBoss} {
		for _, m := range h.slack.DMs(u) {
			if strings.Contains(m.Content(), password) {
				t.Errorf("the password reached %s", u)
			}
		}
	}
}
