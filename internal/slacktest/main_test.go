package slacktest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
	"go.uber.org/goleak"

	"github.com/resetbot/resetbot/internal/slacktest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// Workspace members the tests use.
const (
	alice   = "U0ALICE"
	bob     = "U0BOB"
	carol   = "U0CAROL"
	support = "C0SUPPORT"
	secret  = "C0SECRET" // private, without the bot
	lobby   = "C0LOBBY"  // public, without the bot
)

// newServer starts a fake Slack with a small workspace, closed when the test ends.
func newServer(t *testing.T, opts ...slacktest.Option) *slacktest.Server {
	t.Helper()
	srv, err := slacktest.Start(opts...)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(srv.Close)
	srv.AddUser(slacktest.User{ID: alice, Name: "alice", Email: "alice@example.com"})
	srv.AddUser(slacktest.User{ID: bob, Name: "bob", Email: "bob@example.com"})
	srv.AddUser(slacktest.User{ID: carol, Name: "carol"})
	srv.AddUserGroup("S0APPROVERS", "approvers", bob, carol)
	srv.AddChannel(support, "support", alice, bob, carol, srv.BotUserID())
	srv.AddPrivateChannel(secret, "secret", alice)
	srv.AddChannel(lobby, "lobby", alice, bob)
	return srv
}

// testCtx is a context for one test step.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// api is a slack-go Web API client of the fake's bot.
func api(srv *slacktest.Server) *slack.Client {
	return slack.New(srv.BotToken(), slack.OptionAPIURL(srv.APIURL()), slack.OptionAppLevelToken(srv.AppToken()))
}

// seen is an envelope as a client under test decoded it.
type seen struct {
	Kind      string // slash_commands, block_actions, view_submission, view_closed, events_api
	Command   string
	Text      string
	UserID    string
	ChannelID string
	TriggerID string
	ActionID  string
	Value     string
	ViewID    string
	EventType string // the inner event's type, for events_api
	Tab       string // app_home_opened's tab
	Retry     int
}

// goBot is slack-go's Socket Mode client, answering envelopes by the conformance rules:
// a slash command is acknowledged with {"text": "ack: <text>"}, a view submission with
// response_action "errors" naming every input ("bad: <value>"), anything else with an empty
// ack; respond replaces the rules.
type goBot struct {
	client *socketmode.Client
	seen   chan seen

	mu     sync.Mutex
	answer func(seen) any
}

// startGoBot connects slack-go's socketmode client to srv until the test ends.
func startGoBot(t *testing.T, srv *slacktest.Server, opts ...socketmode.Option) *goBot {
	t.Helper()
	b := &goBot{client: socketmode.New(api(srv), opts...), seen: make(chan seen, 100)}
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := b.client.RunContext(ctx); err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("socketmode client: %v", err)
		}
	})
	wg.Go(func() { b.loop(ctx) })
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	return b
}

// respond makes the bot acknowledge every envelope with the payload answer returns (nil: none).
func (b *goBot) respond(answer func(seen) any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.answer = answer
}

func (b *goBot) loop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case evt := <-b.client.Events:
			if evt.Request == nil || evt.Request.EnvelopeID == "" {
				continue
			}
			s, payload := conformanceAnswer(evt)
			s.Retry = evt.Request.RetryAttempt
			b.mu.Lock()
			answer := b.answer
			b.mu.Unlock()
			if answer != nil {
				payload = answer(s)
			}
			select {
			case b.seen <- s:
			default:
			}
			var err error
			if payload == nil {
				err = b.client.Ack(*evt.Request)
			} else {
				err = b.client.Ack(*evt.Request, payload)
			}
			if err != nil {
				select {
				case b.seen <- seen{Kind: "ack_error", Text: err.Error()}:
				default:
				}
			}
		}
	}
}

// conformanceAnswer decodes an envelope as slack-go does and returns the ack payload the
// conformance rules call for.
func conformanceAnswer(evt socketmode.Event) (seen, any) {
	switch d := evt.Data.(type) {
	case slack.SlashCommand:
		return seen{Kind: "slash_commands", Command: d.Command, Text: d.Text, UserID: d.UserID, ChannelID: d.ChannelID,
			TriggerID: d.TriggerID}, map[string]string{"text": "ack: " + d.Text}
	case slack.InteractionCallback:
		s := seen{Kind: string(d.Type), UserID: d.User.ID, ChannelID: d.Channel.ID, TriggerID: d.TriggerID, ViewID: d.View.ID}
		switch d.Type {
		case slack.InteractionTypeBlockActions:
			if len(d.ActionCallback.BlockActions) > 0 {
				s.ActionID = d.ActionCallback.BlockActions[0].ActionID
				s.Value = d.ActionCallback.BlockActions[0].Value
			}
		case slack.InteractionTypeViewSubmission:
			errs := map[string]string{}
			for blockID, actions := range d.View.State.Values {
				for _, a := range actions {
					errs[blockID] = "bad: " + a.Value
				}
			}
			return s, slack.NewErrorsViewSubmissionResponse(errs)
		default:
			// Other interactions carry nothing the test reads.
		}
		return s, nil
	case slackevents.EventsAPIEvent:
		s := seen{Kind: string(evt.Type), EventType: d.InnerEvent.Type}
		if e, ok := d.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent); ok {
			s.UserID, s.ChannelID, s.Tab = e.User, e.Channel, e.Tab
		}
		return s, nil
	default:
		return seen{Kind: string(evt.Type)}, nil
	}
}

// next waits for the next envelope the client saw.
func next(t *testing.T, ch <-chan seen) seen {
	t.Helper()
	select {
	case s := <-ch:
		return s
	case <-time.After(20 * time.Second):
		t.Fatal("no envelope reached the client")
		return seen{}
	}
}

// postCard posts a message with Approve/Deny buttons as the bot and returns its ts.
func postCard(t *testing.T, srv *slacktest.Server, channelID string) string {
	t.Helper()
	_, ts, err := api(srv).PostMessageContext(testCtx(t), channelID,
		slack.MsgOptionText("Reset requested", false),
		slack.MsgOptionBlocks(
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*alice* asks to reset *u-1*", false, false), nil, nil),
			slack.NewActionBlock("decision",
				slack.NewButtonBlockElement("approve", "req-1", slack.NewTextBlockObject(slack.PlainTextType, "Approve", false, false)).WithStyle(slack.StylePrimary),
				slack.NewButtonBlockElement("deny", "req-1", slack.NewTextBlockObject(slack.PlainTextType, "Deny", false, false)).WithStyle(slack.StyleDanger),
			),
		))
	if err != nil {
		t.Fatalf("posting the card: %v", err)
	}
	return ts
}

// resetModal is a modal with two inputs.
func resetModal() slack.ModalViewRequest {
	target := slack.NewPlainTextInputBlockElement(slack.NewTextBlockObject(slack.PlainTextType, "user@example.com", false, false), "target_input")
	reason := slack.NewPlainTextInputBlockElement(nil, "reason_input")
	return slack.ModalViewRequest{
		Type:          slack.VTModal,
		Title:         slack.NewTextBlockObject(slack.PlainTextType, "Reset a password", false, false),
		Submit:        slack.NewTextBlockObject(slack.PlainTextType, "Request", false, false),
		Close:         slack.NewTextBlockObject(slack.PlainTextType, "Cancel", false, false),
		CallbackID:    "reset_request",
		NotifyOnClose: true,
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("target", slack.NewTextBlockObject(slack.PlainTextType, "User", false, false), nil, target),
			slack.NewInputBlock("reason", slack.NewTextBlockObject(slack.PlainTextType, "Reason", false, false), nil, reason),
		}},
	}
}

// lastTrigger returns the trigger_id of the last envelope sent.
func lastTrigger(t *testing.T, srv *slacktest.Server) string {
	t.Helper()
	envs := srv.Envelopes()
	if len(envs) == 0 {
		t.Fatal("no envelope was sent")
	}
	var p struct {
		TriggerID string `json:"trigger_id"`
	}
	if err := json.Unmarshal(envs[len(envs)-1].Payload, &p); err != nil || p.TriggerID == "" {
		t.Fatalf("last envelope has no trigger_id (%v): %s", err, envs[len(envs)-1].Payload)
	}
	return p.TriggerID
}

// must fails the test on err.
func must(t *testing.T, err error, what string, args ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", fmt.Sprintf(what, args...), err)
	}
}
