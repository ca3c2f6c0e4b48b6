package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/resetbot/resetbot/internal/slacktest"
)

// maxActionBody bounds the body of an action request.
const maxActionBody = 64 << 10

// action is what the page sends when the chosen person does something.
type action struct {
	As       string            `json:"as"`
	Text     string            `json:"text"`      // slash: what was typed after the command
	Channel  string            `json:"channel"`   // click: the message's channel
	TS       string            `json:"ts"`        // click: the message (or ephemeral) clicked on
	ViewID   string            `json:"view_id"`   // click in a modal, submit, close
	ActionID string            `json:"action_id"` // click
	Value    string            `json:"value"`     // click: the button's value or the option chosen
	Values   map[string]string `json:"values"`    // submit: by block_id, the text typed or the option chosen
}

// do decodes an action, runs it as its person through the fake Slack, and answers
// {"ok":true} or the error. The ack's payload is not passed on: the page reads what it
// changed from the state, as a person sees it.
func (p *Page) do(w http.ResponseWriter, r *http.Request, run func(ctx context.Context, s *slacktest.Server, a action) error) {
	var a action
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxActionBody))
	if err := dec.Decode(&a); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{Error: "the request is not an action: " + err.Error()})
		return
	}
	if _, ok := p.person(w, a.As); !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), actionTimeout)
	defer cancel()
	err := run(ctx, p.cfg.Fakes.Slack, a)
	p.changes.bump()
	if err != nil {
		status := http.StatusBadGateway
		if errors.Is(err, slacktest.ErrNotFound) || errors.Is(err, slacktest.ErrInvalidInput) {
			status = http.StatusBadRequest
		}
		writeJSON(w, status, errorBody{Error: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// serveSlash has the person type the slash command with a.Text in the channel.
func (p *Page) serveSlash(w http.ResponseWriter, r *http.Request) {
	p.do(w, r, func(ctx context.Context, s *slacktest.Server, a action) error {
		_, err := s.SlashCommand(ctx, a.As, p.cfg.Fakes.Workspace.Channels[0].ID, p.cfg.Command, a.Text)
		return err
	})
}

// serveClick has the person click a button or choose an option, on a message or in a modal.
func (p *Page) serveClick(w http.ResponseWriter, r *http.Request) {
	p.do(w, r, func(ctx context.Context, s *slacktest.Server, a action) error {
		var value []string
		if a.Value != "" {
			value = []string{a.Value}
		}
		if a.ViewID != "" {
			_, err := s.ClickInView(ctx, a.As, a.ViewID, a.ActionID, value...)
			return err
		}
		if a.Channel == "" || a.TS == "" || a.ActionID == "" {
			return fmt.Errorf("a click needs the channel, the message and the action_id: %w", slacktest.ErrInvalidInput)
		}
		_, err := s.Click(ctx, a.As, a.Channel, a.TS, a.ActionID, value...)
		return err
	})
}

// serveSubmit has the person submit the modal on top of their stack.
func (p *Page) serveSubmit(w http.ResponseWriter, r *http.Request) {
	p.do(w, r, func(ctx context.Context, s *slacktest.Server, a action) error {
		_, err := s.SubmitView(ctx, a.As, a.ViewID, a.Values)
		return err
	})
}

// serveClose has the person close the modal on top of their stack.
func (p *Page) serveClose(w http.ResponseWriter, r *http.Request) {
	p.do(w, r, func(ctx context.Context, s *slacktest.Server, a action) error {
		_, err := s.CloseView(ctx, a.As, a.ViewID)
		return err
	})
}
