package demo

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
)

// audit is a hand-written stateful fake of the store's audit trail.
type audit struct {
	mu     sync.Mutex
	events map[string][]approval.Event
}

func (a *audit) Events(_ context.Context, id string) ([]approval.Event, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.events[id], nil
}

// newTestPage starts the fakes of the demo's own workspace and its page, with no bot.
func newTestPage(t *testing.T) (*Fakes, *CallLog, *httptest.Server) {
	t.Helper()
	ws, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	fakes, err := StartFakes(ws, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fakes.Close)
	calls := NewCallLog(time.Now)
	trail := &audit{events: map[string][]approval.Event{"r-test1": {{RequestID: "r-test1", Kind: "submitted", Actor: "U0DEMOADA"}}}}
	page, err := NewPage(PageConfig{Fakes: fakes, Calls: calls, Audit: trail, Command: "/cognito", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(page)
	t.Cleanup(func() {
		page.Close() // ends the event streams first
		srv.Close()
	})
	return fakes, calls, srv
}

func get(t *testing.T, u string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func TestPageServesItsFiles(t *testing.T) {
	_, _, srv := newTestPage(t)
	for _, tc := range []struct{ path, contentType, has string }{
		{"/", "text/html", `<script src="/static/app.js"`},
		{"/static/app.js", "text/javascript", "blockRenderers"},
		{"/static/style.css", "text/css", "#sidebar"},
		{"/api/people", "application/json", `"role":"outsider"`},
	} {
		code, h, body := get(t, srv.URL+tc.path)
		if code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), tc.contentType) || !strings.Contains(body, tc.has) {
			t.Errorf("GET %s: %d %s, want 200 %s holding %q", tc.path, code, h.Get("Content-Type"), tc.contentType, tc.has)
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("GET %s: Content-Security-Policy %q", tc.path, csp)
		}
	}
	if code, _, _ := get(t, srv.URL+"/static/nothing.js"); code != http.StatusNotFound {
		t.Errorf("an unknown file answered %d, want 404", code)
	}
}

// TestStateShowsEachPersonTheirOwn posts as the bot would (the real slack-go client against
// the fake Slack): a card in the channel, a reply in its thread, an ephemeral message and a
// direct message for Ada. Ada's state holds all of it; Ben's only what the channel shows.
func TestStateShowsEachPersonTheirOwn(t *testing.T) {
	fakes, calls, srv := newTestPage(t)
	api := slack.New(fakes.Slack.BotToken(), slack.OptionAPIURL(fakes.Slack.APIURL()))
	ch := fakes.Workspace.Channels[0].ID
	_, card, err := api.PostMessage(ch, slack.MsgOptionText("a card", false),
		slack.MsgOptionBlocks(slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, "Request `r-test1` · rule `x`", false, false))))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessage(ch, slack.MsgOptionText("a reply", false), slack.MsgOptionTS(card)); err != nil {
		t.Fatal(err)
	}
	if _, err := api.PostEphemeral(ch, "U0DEMOADA", slack.MsgOptionText("only for ada", false)); err != nil {
		t.Fatal(err)
	}
	im, _, _, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U0DEMOADA"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessage(im.ID, slack.MsgOptionText("a direct message for ada", false)); err != nil {
		t.Fatal(err)
	}
	calls.Observe("AdminGetUser", 3*time.Millisecond, "")

	state := func(as string) State {
		t.Helper()
		code, _, body := get(t, srv.URL+"/api/state?as="+as)
		if code != http.StatusOK {
			t.Fatalf("state as %s: %d %s", as, code, body)
		}
		var st State
		if err := json.Unmarshal([]byte(body), &st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	texts := func(st State) []string {
		var out []string
		for _, m := range st.Messages {
			out = append(out, "channel: "+m.Text)
		}
		for _, r := range st.Threads[card] {
			out = append(out, "thread: "+r.Text)
		}
		for _, e := range st.Ephemerals {
			out = append(out, "ephemeral: "+e.Text)
		}
		for _, m := range st.DMs {
			out = append(out, "dm: "+m.Text)
		}
		return out
	}
	ada, ben := state("U0DEMOADA"), state("U0DEMOBEN")
	if diff := cmp.Diff([]string{"channel: a card", "thread: a reply", "ephemeral: only for ada", "dm: a direct message for ada"}, texts(ada)); diff != "" {
		t.Errorf("Ada's state (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"channel: a card", "thread: a reply"}, texts(ben)); diff != "" {
		t.Errorf("Ben's state (-want +got):\n%s", diff)
	}
	if len(ada.Audit) != 1 || ada.Audit[0].RequestID != "r-test1" || len(ada.Audit[0].Events) != 1 {
		t.Errorf("audit trails %+v, want the one of r-test1 the card names", ada.Audit)
	}
	if len(ada.Calls) != 1 || ada.Calls[0].Op != "AdminGetUser" {
		t.Errorf("calls %+v, want the one observed", ada.Calls)
	}
	if len(ada.Users) != 2*len(demoUsers) {
		t.Errorf("%d Cognito users, want %d in each of the 2 pools", len(ada.Users), len(demoUsers))
	}
	if code, _, _ := get(t, srv.URL+"/api/state?as=U0NOBODY"); code != http.StatusBadRequest {
		t.Errorf("the state of no one answered %d, want 400", code)
	}
}

// TestSeedHoldsEveryState reads the demo pools back from the fake Cognito: a user in every
// state the bot must handle.
func TestSeedHoldsEveryState(t *testing.T) {
	fakes, _, _ := newTestPage(t)
	users, err := newDirectory(fakes.Cognito.URL(), fakes.Workspace).users(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Status        string
		Enabled       bool
		Email         string
		EmailVerified bool
		Groups        []string
	}
	got := map[string]row{}
	for _, u := range users {
		if u.Pool == "prod" {
			got[u.Username] = row{u.Status, u.Enabled, u.Email, u.EmailVerified, u.Groups}
		}
	}
	want := map[string]row{
		"alice": {"CONFIRMED", true, "alice@example.com", true, nil},
		"bob":   {"CONFIRMED", true, "bob@example.com", false, nil},
		"carol": {"FORCE_CHANGE_PASSWORD", true, "carol@example.com", true, nil},
		"dave":  {"CONFIRMED", true, "dave@example.com", true, []string{"admins"}},
		"erin":  {"CONFIRMED", false, "erin@example.com", true, nil},
		"frank": {"CONFIRMED", true, "shared@example.com", true, nil},
		"grace": {"CONFIRMED", true, "shared@example.com", true, nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the prod pool's users (-want +got):\n%s", diff)
	}
}

// TestCallLogKeepsTheNewest checks the log's bound and that every call wakes the page.
func TestCallLogKeepsTheNewest(t *testing.T) {
	l := NewCallLog(time.Now)
	woken := 0
	l.notify(func() { woken++ })
	for range maxCalls + 5 {
		l.Observe("ListUsers", time.Millisecond, "")
	}
	l.Observe("AdminResetUserPassword", time.Millisecond, "InvalidParameterException")
	calls := l.Calls()
	if len(calls) != maxCalls || calls[len(calls)-1].ErrCode != "InvalidParameterException" || woken != maxCalls+6 {
		t.Errorf("%d calls kept (last %+v), woken %d times; want %d, the error last, %d", len(calls), calls[len(calls)-1], woken, maxCalls, maxCalls+6)
	}
}
