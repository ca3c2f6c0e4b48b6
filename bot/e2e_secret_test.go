package bot

import (
	"encoding/json"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/slacktest"
)

// passwordInMessage finds the password in the secret message: the code span after "for your
// eyes only:", with Slack's escaping undone.
var passwordInMessage = regexp.MustCompile("for your eyes only:\n`([^`]+)`")

// secretMarker is in every secret message, whatever the password.
const secretMarker = "for your eyes only"

// passwordIn returns the password in the first of the contents that holds a secret message,
// or "".
func passwordIn(contents ...string) string {
	for _, c := range contents {
		if m := passwordInMessage.FindStringSubmatch(c); m != nil {
			return html.UnescapeString(m[1])
		}
	}
	return ""
}

// shownPassword reads the password where the requester was shown it: an ephemeral message in
// the request's channel, or the bot's direct message.
func shownPassword(t *testing.T, h *harness, requester, channel string, way secretWay) string {
	t.Helper()
	var contents []string
	switch way {
	case viaEphemeral:
		for _, e := range h.slack.Ephemerals(requester) {
			if e.Channel == channel && e.Via == "chat.postEphemeral" {
				contents = append(contents, e.Text+"\n"+e.Content())
			}
		}
	case viaDirectMessage:
		for _, m := range h.slack.DMs(requester) {
			contents = append(contents, m.Text+"\n"+m.Content())
		}
	}
	password := passwordIn(contents...)
	if password == "" {
		t.Fatalf("%s was not shown the password by %s; ephemerals:\n%s\nDMs: %+v", requester, way,
			h.ephemeralText(requester), h.slack.DMs(requester))
	}
	return password
}

// logged returns the log lines with the message msg, decoded.
func logged(t *testing.T, h *harness, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(h.logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

func TestTemporaryPasswordReachesOnlyTheRequester(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "temp-password erin --ticket SUP-42 --verified-by video-call lost her phone")
	card, _ := h.lastCard(chSupport)
	h.click(uLena, chSupport, card.TS, actionApprove)
	_, r := h.lastCard(chSupport)
	wantState(t, r, approval.StateSucceeded)

	// Alice is active in Slack, so she, and only she, was shown the password in the channel.
	password := shownPassword(t, h, uAlice, chSupport, viaEphemeral)

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
	assertSecretOnlyWithRequester(t, h, password, uAlice, chSupport, secretPath{sent: []secretWay{viaEphemeral}, shown: viaEphemeral})
}

// TestPasswordDelivery follows the password by the requester's presence when the approval
// comes, and by what Slack refuses: an ephemeral message when they are active, else a direct
// message, which waits for them; never anywhere else.
func TestPasswordDelivery(t *testing.T) {
	tests := []struct {
		name string
		// before runs after the request is made, before it is approved.
		before       func(t *testing.T, s *slacktest.Server)
		want         secretPath
		wantPresence presence
	}{
		{
			name:   "active: an ephemeral message",
			before: func(*testing.T, *slacktest.Server) {},
			want:   secretPath{sent: []secretWay{viaEphemeral}, shown: viaEphemeral}, wantPresence: presenceActive,
		},
		{
			name: "away: a direct message, no ephemeral one",
			before: func(t *testing.T, s *slacktest.Server) {
				if err := s.SetPresence(uAlice, slacktest.PresenceAway); err != nil {
					t.Fatal(err)
				}
			},
			want: secretPath{sent: []secretWay{viaDirectMessage}, shown: viaDirectMessage}, wantPresence: presenceAway,
		},
		{
			name:   "presence unreadable: a direct message",
			before: func(_ *testing.T, s *slacktest.Server) { s.FailNext("users.getPresence", "fatal_error") },
			want:   secretPath{sent: []secretWay{viaDirectMessage}, shown: viaDirectMessage}, wantPresence: presenceUnknown,
		},
		{
			name:   "active but the ephemeral message refused: a direct message",
			before: func(_ *testing.T, s *slacktest.Server) { s.FailNext("chat.postEphemeral", "user_not_in_channel") },
			want:   secretPath{sent: []secretWay{viaEphemeral, viaDirectMessage}, shown: viaDirectMessage}, wantPresence: presenceActive,
		},
		{
			name: "presence unreadable and no direct message: an ephemeral message, the last resort",
			before: func(_ *testing.T, s *slacktest.Server) {
				s.FailNext("users.getPresence", "fatal_error")
				s.FailNext("conversations.open", "fatal_error")
			},
			want: secretPath{sent: []secretWay{viaEphemeral}, shown: viaEphemeral}, wantPresence: presenceUnknown,
		},
		{
			name: "active, the ephemeral message and the direct message rate-limited: the ephemeral one after Retry-After",
			before: func(_ *testing.T, s *slacktest.Server) {
				s.RateLimitNext("chat.postEphemeral", time.Second)
				s.RateLimitNext("conversations.open", time.Second)
			},
			want: secretPath{sent: []secretWay{viaEphemeral, viaEphemeral}, shown: viaEphemeral}, wantPresence: presenceActive,
		},
		{
			name: "away, the direct message rate-limited: the direct message after Retry-After",
			before: func(t *testing.T, s *slacktest.Server) {
				if err := s.SetPresence(uAlice, slacktest.PresenceAway); err != nil {
					t.Fatal(err)
				}
				s.RateLimitNext("conversations.open", time.Second)
			},
			want: secretPath{sent: []secretWay{viaDirectMessage}, shown: viaDirectMessage}, wantPresence: presenceAway,
		},
		{
			name: "Slack failing for now both ways: tried again until shown",
			before: func(_ *testing.T, s *slacktest.Server) {
				s.FailNext("chat.postEphemeral", "fatal_error")
				s.FailNext("conversations.open", "internal_error")
			},
			want: secretPath{sent: []secretWay{viaEphemeral, viaEphemeral}, shown: viaEphemeral}, wantPresence: presenceActive,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.cmd(uAlice, chSupport, "temp-password erin --ticket SUP-42 --verified-by video-call lost her phone")
			card, _ := h.lastCard(chSupport)
			tt.before(t, h.slack)
			h.click(uLena, chSupport, card.TS, actionApprove)
			_, r := h.lastCard(chSupport)
			wantState(t, r, approval.StateSucceeded)

			password := shownPassword(t, h, uAlice, chSupport, tt.want.shown)
			if out, err := h.signIn("erin", password); err != nil || out.ChallengeName != ciptypes.ChallengeNameTypeNewPasswordRequired {
				t.Errorf("erin signs in with the password alice was shown: %v, %+v; want NEW_PASSWORD_REQUIRED", err, out)
			}
			if tt.want.shown == viaDirectMessage {
				dm := h.slack.DMs(uAlice)[0].Content()
				for _, want := range []string{"`" + r.ID + "`", "*prod*", "<#" + chSupport + ">", "*Tell the user*", "stays in this conversation"} {
					if !strings.Contains(dm, want) {
						t.Errorf("the direct message does not say %q:\n%s", want, dm)
					}
				}
			}
			shown := logged(t, h, "password shown to the requester")
			if len(shown) != 1 || shown[0]["via"] != string(tt.want.shown) || shown[0]["presence"] != string(tt.wantPresence) ||
				shown[0]["request_id"] != r.ID {
				t.Errorf("log of the delivery = %v, want one line via %s, presence %s", shown, tt.want.shown, tt.wantPresence)
			}
			h.settle()
			assertSecretOnlyWithRequester(t, h, password, uAlice, chSupport, tt.want)
			for _, m := range []string{"chat.postEphemeral", "conversations.open", "chat.postMessage"} {
				if n := h.slack.EarlyCalls(m); n != 0 {
					t.Errorf("%d calls of %s before their Retry-After", n, m)
				}
			}
		})
	}
}

// TestPasswordNotDeliveredToSomeoneAway: when the requester is away and Slack refuses the
// direct message for good, the bot does not post an ephemeral message nobody would see; the request fails
// saying the password is lost.
func TestPasswordNotDeliveredToSomeoneAway(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chSupport, "temp-password erin --ticket SUP-42 --verified-by video-call lost her phone")
	card, _ := h.lastCard(chSupport)
	if err := h.slack.SetPresence(uAlice, slacktest.PresenceAway); err != nil {
		t.Fatal(err)
	}
	h.slack.FailNext("conversations.open", "user_disabled")
	h.click(uLena, chSupport, card.TS, actionApprove)
	_, r := h.lastCard(chSupport)
	wantState(t, r, approval.StateFailed)
	if !strings.Contains(r.Outcome, "could not be shown to the requester") {
		t.Errorf("outcome = %q, want it to say the password could not be shown", r.Outcome)
	}
	h.settle()
	for _, rec := range h.slack.Record() {
		if strings.Contains(rec.Body+strings.Join(rec.Strings, "\n"), secretMarker) {
			t.Errorf("a secret message was sent in %s", rec.Kind)
		}
	}
	if n := len(logged(t, h, "password shown to the requester")); n != 0 {
		t.Errorf("%d log lines say the password was shown", n)
	}
	if n := len(logged(t, h, "password not delivered")); n != 1 {
		t.Errorf("%d log lines say the password was not delivered, want 1", n)
	}
}

// secretPath is where a test expects the password to have gone.
type secretPath struct {
	sent  []secretWay // every call to Slack that carried it, in order, failed ones included
	shown secretWay   // where the requester finds it
}

// assertSecretOnlyWithRequester scans everything the bot sent to Slack, what every person
// sees, the bot's logs and its store for the password: it may appear only in the calls of
// want.sent, and be seen only by the requester, where want.shown says.
func assertSecretOnlyWithRequester(t *testing.T, h *harness, password, requester, channel string, want secretPath) {
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
	im := h.slack.IMChannel(requester)
	var sent []secretWay
	for _, rec := range h.slack.Record() {
		if !holds(rec.Body + "\n" + strings.Join(rec.Strings, "\n")) {
			continue
		}
		q, _ := url.ParseQuery(rec.Body)
		switch {
		case rec.Kind == "chat.postEphemeral" && q.Get("user") == requester && q.Get("channel") == channel:
			sent = append(sent, viaEphemeral)
		case rec.Kind == "chat.postMessage" && q.Get("channel") == im:
			sent = append(sent, viaDirectMessage)
		default:
			t.Errorf("the password was sent to Slack in %s (%s)", rec.Kind, rec.Body[:min(len(rec.Body), 120)])
		}
	}
	if diff := cmp.Diff(want.sent, sent); diff != "" {
		t.Errorf("the calls that carried the password (-want +got):\n%s", diff)
	}

	count := func(contents []string) int {
		n := 0
		for _, c := range contents {
			if holds(c) {
				n++
			}
		}
		return n
	}
	seen := map[secretWay]int{}
	var ephemerals, dms []string
	for _, e := range h.slack.Ephemerals(requester) {
		ephemerals = append(ephemerals, e.Content())
	}
	for _, m := range h.slack.DMs(requester) {
		dms = append(dms, m.Content())
	}
	seen[viaEphemeral], seen[viaDirectMessage] = count(ephemerals), count(dms)
	if diff := cmp.Diff(map[secretWay]int{want.shown: 1, otherWay(want.shown): 0}, seen); diff != "" {
		t.Errorf("where %s sees the password (-want +got):\n%s", requester, diff)
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
	for _, u := range []string{uAlice, uSam, uLena, uLeo, uBoss, uGuest} {
		if u == requester {
			continue
		}
		for _, m := range h.slack.DMs(u) {
			if holds(m.Content()) {
				t.Errorf("the password is in a direct message to %s", u)
			}
		}
		if holds(h.ephemeralText(u)) {
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

// otherWay is the way a password was not shown.
func otherWay(w secretWay) secretWay {
	if w == viaEphemeral {
		return viaDirectMessage
	}
	return viaEphemeral
}
