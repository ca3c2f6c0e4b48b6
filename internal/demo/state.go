package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/slacktest"
)

// State is everything the page shows to one person: what that person would see in Slack
// (the channel with its threads, their own ephemeral messages, direct messages and open
// modals) and, beside it, what happened behind the scenes (the Cognito users, the bot's
// Cognito calls, the requests' audit trails). Another person's ephemeral messages and direct
// messages, where a generated password goes, are never in it.
type State struct {
	Me      Person    `json:"me"`
	People  []Person  `json:"people"`
	Groups  []Group   `json:"groups"`
	Bot     Person    `json:"bot"`
	Channel Channel   `json:"channel"`
	Command string    `json:"command"`
	Policy  string    `json:"policy"`
	Version uint64    `json:"version"`
	Now     time.Time `json:"now"`

	Messages   []slacktest.Message            `json:"messages"`
	Threads    map[string][]slacktest.Message `json:"threads"`
	Ephemerals []slacktest.Ephemeral          `json:"ephemerals"`
	DMs        []slacktest.Message            `json:"dms"`
	Views      []slacktest.View               `json:"views"`

	Users []CognitoUser `json:"users"`
	Calls []Call        `json:"calls"`
	Audit []Trail       `json:"audit"`
}

// Trail is a request's audit trail.
type Trail struct {
	RequestID string           `json:"request_id"`
	Events    []approval.Event `json:"events"`
}

// requestRef finds a request id on a card: its footer says "Request `ID`".
var requestRef = regexp.MustCompile("Request `([A-Za-z0-9_-]+)`")

// state builds what the person as sees now.
func (p *Page) state(ctx context.Context, as Person) (State, error) {
	f := p.cfg.Fakes
	version, _ := p.changes.current()
	ch := f.Workspace.Channels[0]
	st := State{
		Me: as, People: f.Workspace.People, Groups: f.Workspace.Groups, Channel: ch, Command: p.cfg.Command,
		Policy: f.Workspace.PolicyName, Version: version, Now: time.Now().UTC(),
		Bot:      Person{ID: f.Slack.BotUserID(), Name: "resetbot", RealName: "resetbot", Role: "app"},
		Messages: f.Slack.Messages(ch.ID), Threads: map[string][]slacktest.Message{},
		DMs: f.Slack.DMs(as.ID), Views: f.Slack.Views(as.ID), Calls: p.cfg.Calls.Calls(),
	}
	for _, e := range f.Slack.Ephemerals(as.ID) {
		if e.Channel == ch.ID {
			st.Ephemerals = append(st.Ephemerals, e)
		}
	}
	for _, m := range st.Messages {
		if m.ReplyCount > 0 {
			st.Threads[m.TS] = f.Slack.Thread(ch.ID, m.TS)[1:]
		}
		if ref := requestRef.FindStringSubmatch(m.Content()); ref != nil && !slices.ContainsFunc(st.Audit, func(t Trail) bool { return t.RequestID == ref[1] }) {
			events, err := p.cfg.Audit.Events(ctx, ref[1])
			if err != nil {
				return State{}, fmt.Errorf("audit trail of %s: %w", ref[1], err)
			}
			st.Audit = append(st.Audit, Trail{RequestID: ref[1], Events: events})
		}
	}
	users, err := p.dir.users(ctx)
	if err != nil {
		return State{}, err
	}
	st.Users = users
	return st, nil
}

// serveState answers GET /api/state?as=USER.
func (p *Page) serveState(w http.ResponseWriter, r *http.Request) {
	as, ok := p.person(w, r.URL.Query().Get("as"))
	if !ok {
		return
	}
	st, err := p.state(r.Context(), as)
	if err != nil {
		p.cfg.Logger.Error("demo: reading the state", "err", err)
		writeJSON(w, http.StatusInternalServerError, errorBody{Error: "reading the demo's state failed: " + err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// person finds the person a request acts as, answering 400 when there is none.
func (p *Page) person(w http.ResponseWriter, id string) (Person, bool) {
	as, ok := p.cfg.Fakes.Workspace.Person(id)
	if !ok {
		writeJSON(w, http.StatusBadRequest, errorBody{Error: fmt.Sprintf("no demo person has the id %q", id)})
	}
	return as, ok
}

// errorBody is the answer to a request that failed.
type errorBody struct {
	Error string `json:"error"`
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
