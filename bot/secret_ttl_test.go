package bot

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/secret"
	"github.com/resetbot/resetbot/internal/slacktest"
	"github.com/resetbot/resetbot/policy"
)

// A permanent password sent by direct message says it will be deleted, and is deleted
// (chat.delete) once its time is up; a temporary one stays.
func TestPermanentPasswordDMIsDeleted(t *testing.T) {
	fs, err := slacktest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fs.Close)
	fs.AddUser(slacktest.User{ID: uAlice, Name: "alice"})
	if err := fs.SetPresence(uAlice, slacktest.PresenceAway); err != nil {
		t.Fatal(err)
	}
	client := slack.New(fs.BotToken(), slack.OptionAPIURL(fs.APIURL()))
	n, err := NewNotifier(NotifierConfig{Client: client, Logger: slog.New(slog.DiscardHandler),
		PermanentPasswordDMTTL: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for _, tc := range []struct {
		action policy.Action
		days   int
	}{{policy.ActionTempPassword, 7}, {policy.ActionPermanentPassword, 0}} {
		r := &approval.Request{ID: "r-" + string(tc.action), Requester: uAlice, Channel: chSupport, Action: tc.action,
			Pool: policy.Pool{Name: "prod"}, Target: approval.Target{Username: "carol"}}
		if err := n.DeliverSecret(ctx, r, approval.Secret{Password: secret.New("Pa55word!" + string(tc.action)), ValidDays: tc.days}); err != nil {
			t.Fatalf("DeliverSecret(%s): %v", tc.action, err)
		}
	}
	dms := fs.DMs(uAlice)
	if len(dms) != 2 {
		t.Fatalf("%d direct messages, want 2", len(dms))
	}
	if !strings.Contains(dms[1].Content(), "the bot deletes this message in") || strings.Contains(dms[0].Content(), "deletes this message") {
		t.Errorf("the messages do not say which is deleted:\n%s\n---\n%s", dms[0].Content(), dms[1].Content())
	}
	if err := fs.WaitUntil(ctx, func() bool { return len(fs.DMs(uAlice)) == 1 }); err != nil {
		t.Fatalf("the permanent password's message was not deleted: %v", err)
	}
	if left := fs.DMs(uAlice)[0].Content(); !strings.Contains(left, "temporary") {
		t.Errorf("the message left is %q, want the temporary password's", left)
	}
}
