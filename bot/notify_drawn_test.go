package bot

import (
	"log/slog"
	"testing"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/slacktest"
)

// TestNotifyLeavesADrawnCard: a notice posts its step in the thread and draws the card again,
// except when the notice before it drew the card from the same request (CardDrawn).
func TestNotifyLeavesADrawnCard(t *testing.T) {
	fs, err := slacktest.Start(slacktest.WithTeam(teamID, "example"), slacktest.WithSeed(1))
	if err != nil {
		t.Fatalf("start the fake Slack: %v", err)
	}
	t.Cleanup(fs.Close)
	fs.AddChannel(chSupport, "support-resets", fs.BotUserID())
	client := slack.New(fs.BotToken(), slack.OptionAPIURL(fs.APIURL()))
	n, err := NewNotifier(NotifierConfig{Client: client, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	r := &approval.Request{ID: "r-1", State: approval.StateRunning, Channel: chSupport, Action: "reset"}
	if r.Thread, err = n.PostCard(ctx, r); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		drawn       bool
		wantUpdates int
	}{{false, 1}, {true, 0}} {
		posts, updates := fs.Calls("chat.postMessage"), fs.Calls("chat.update")
		if err := n.Notify(ctx, r, approval.Notice{Kind: approval.NoticeRunning, Text: "Running reset.", CardDrawn: tc.drawn}); err != nil {
			t.Fatal(err)
		}
		if got := fs.Calls("chat.postMessage") - posts; got != 1 {
			t.Errorf("CardDrawn %v: %d steps posted, want 1", tc.drawn, got)
		}
		if got := fs.Calls("chat.update") - updates; got != tc.wantUpdates {
			t.Errorf("CardDrawn %v: card drawn %d times, want %d", tc.drawn, got, tc.wantUpdates)
		}
	}
}
