package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The helpers in this file act as a person in Slack: each builds the payload Slack would send,
// delivers it in an envelope over a Socket Mode connection (waiting for one to be open, within
// ctx), blocks until the app acknowledges it, applies the ack as Slack would, and returns the
// ack. They fail with ErrAckTimeout when no ack arrives within AckDeadline on the server clock.

// SlashCommand has user run command (e.g. "/cognito") with text in a channel. The text is what
// the person typed; the payload carries it as Slack sends it for a command that does not ask
// for escaped mentions and links (should_escape false): with &, < and > written as &amp;,
// &lt; and &gt;. A reply in the ack payload is shown as Slack shows it: to the user alone, or
// in the channel for response_type "in_channel".
func (s *Server) SlashCommand(ctx context.Context, user, channelID, command, text string) (Ack, error) {
	s.mu.Lock()
	u, c, err := s.personInLocked(user, channelID)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, err
	}
	if !strings.HasPrefix(command, "/") || strings.ContainsAny(command, " \t\n") {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("command %q: %w", command, ErrInvalidInput)
	}
	ru := responseURL{User: user, Channel: c.ID}
	rurl := s.newResponseURLLocked(ru)
	payload := s.slashCommandPayload(u, c, command, typedText.Replace(text), rurl, s.issueTriggerLocked(user))
	s.mu.Unlock()

	raw, err := toJSON(payload)
	if err != nil {
		return Ack{}, err
	}
	ack, err := s.deliver(ctx, TypeSlashCommands, raw, true)
	if err != nil || ack.Payload == nil {
		return ack, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notifyLocked()
	if aerr := s.applyReplyLocked(&ru, ack.reply(), "ack"); aerr != nil {
		return ack, fmt.Errorf("slash command reply: %w: %s", ErrInvalidResponse, aerr.Error())
	}
	return ack, nil
}

// typedText escapes text a person typed as Slack's clients do before sending it.
var typedText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Click has user click the element with actionID on the message at messageTS in a channel (or
// on one of the user's ephemeral messages there). The block_actions payload is built from the
// message's stored blocks. A value picks a button among those sharing the action_id, or is
// the option value chosen in a menu (comma-separated for multi-selects).
func (s *Server) Click(ctx context.Context, user, channelID, messageTS, actionID string, value ...string) (Ack, error) {
	v := strings.Join(value, ",")
	s.mu.Lock()
	u, c, err := s.personSeesLocked(user, channelID)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, err
	}
	var blocks json.RawMessage
	var msgJSON map[string]any
	ephemeral := false
	if m := s.findMessageLocked(c.ID, messageTS); m != nil {
		blocks, msgJSON = m.Blocks, m.json(s.cfg.teamID)
	} else if e := s.findEphemeralLocked(c.ID, user, messageTS); e != nil {
		blocks, ephemeral = e.Blocks, true
	} else {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("message %s in %s: %w", messageTS, channelID, ErrNotFound)
	}
	f, err := findElement(blocks, actionID, v)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("message %s: %w", messageTS, err)
	}
	now := s.clock.Now()
	action, err := blockAction(f, v, actionTS(now))
	if err != nil {
		s.mu.Unlock()
		return Ack{}, err
	}
	container := map[string]any{"type": "message", "message_ts": messageTS, "channel_id": c.ID, "is_ephemeral": ephemeral}
	if msgJSON != nil && msgJSON["thread_ts"] != nil && msgJSON["thread_ts"] != messageTS {
		container["thread_ts"] = msgJSON["thread_ts"]
	}
	p := s.interactionBase("block_actions", u)
	p["container"] = container
	p["trigger_id"] = s.issueTriggerLocked(user)
	p["channel"] = map[string]any{"id": c.ID, "name": c.commandName()}
	if msgJSON != nil {
		p["message"] = msgJSON
	}
	p["state"] = map[string]any{"values": map[string]any{}}
	p["response_url"] = s.newResponseURLLocked(responseURL{User: user, Channel: c.ID, MessageTS: messageTS, Ephemeral: ephemeral})
	p["actions"] = []any{action}
	s.mu.Unlock()
	return s.deliverInteraction(ctx, p, false)
}

// ClickInView has user click the element with actionID in one of the user's open views.
func (s *Server) ClickInView(ctx context.Context, user, viewID, actionID string, value ...string) (Ack, error) {
	v := strings.Join(value, ",")
	s.mu.Lock()
	u, vw, _, err := s.viewOfLocked(user, viewID, false)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, err
	}
	f, err := findElement(vw.Blocks, actionID, v)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("view %s: %w", viewID, err)
	}
	action, err := blockAction(f, v, actionTS(s.clock.Now()))
	if err != nil {
		s.mu.Unlock()
		return Ack{}, err
	}
	p := s.interactionBase("block_actions", u)
	p["container"] = map[string]any{"type": "view", "view_id": vw.ID}
	p["trigger_id"] = s.issueTriggerLocked(user)
	p["view"] = s.viewJSON(vw)
	p["actions"] = []any{action}
	s.mu.Unlock()
	return s.deliverInteraction(ctx, p, false)
}

// SubmitView has user submit the view on top of their modal stack with values for its inputs,
// keyed by block_id (or action_id): the text typed, or the option value picked
// (comma-separated for multi-selects). Inputs left out keep their initial values. The ack is
// applied as Slack applies it: no response_action closes the view, "errors" keeps it open with
// the errors shown (View.Errors), "update" replaces it, "push" stacks a new one, "clear"
// closes them all. An ack Slack would reject returns ErrInvalidResponse along with the ack.
func (s *Server) SubmitView(ctx context.Context, user, viewID string, values map[string]string) (Ack, error) {
	s.mu.Lock()
	u, vw, _, err := s.viewOfLocked(user, viewID, true)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, err
	}
	state, err := viewState(vw.Blocks, values)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("view %s: %w", viewID, err)
	}
	vw.State = state
	vw.Errors = nil
	p := s.interactionBase("view_submission", u)
	p["trigger_id"] = s.issueTriggerLocked(user)
	p["view"] = s.viewJSON(vw)
	p["response_urls"] = []any{}
	s.mu.Unlock()
	ack, err := s.deliverInteraction(ctx, p, true)
	if err != nil {
		return ack, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notifyLocked()
	if err := s.applyViewResponseLocked(user, vw, ack.reply()); err != nil {
		return ack, fmt.Errorf("view %s: %w", viewID, err)
	}
	return ack, nil
}

// viewResponses apply a view submission's response_action. To support a new one, add it here.
var viewResponses = map[string]func(s *Server, user string, v *view, r ackReply) error{
	"": func(s *Server, user string, v *view, _ ackReply) error {
		s.closeViewsLocked(user, slices.Index(s.stacks[user], v.ID))
		return nil
	},
	"clear": func(s *Server, user string, _ *view, _ ackReply) error {
		s.closeViewsLocked(user, 0)
		return nil
	},
	"errors": func(_ *Server, _ string, v *view, r ackReply) error {
		inputs := inputBlockIDs(v.Blocks)
		for id := range r.Errors {
			if !slices.Contains(inputs, id) {
				return fmt.Errorf("errors name %q, which is not an input block: %w", id, ErrInvalidResponse)
			}
		}
		if len(r.Errors) == 0 {
			return fmt.Errorf("response_action errors without errors: %w", ErrInvalidResponse)
		}
		v.Errors = r.Errors
		return nil
	},
	"update": func(s *Server, _ string, v *view, r ackReply) error {
		m, err := s.checkModal(r.View)
		if err != nil {
			return fmt.Errorf("update: %w: %s", ErrInvalidResponse, err.Error())
		}
		s.applyModal(v, m)
		return nil
	},
	"push": func(s *Server, user string, _ *view, r ackReply) error {
		m, err := s.checkModal(r.View)
		if err != nil {
			return fmt.Errorf("push: %w: %s", ErrInvalidResponse, err.Error())
		}
		if len(s.stacks[user]) >= maxStack {
			return fmt.Errorf("push: stack full: %w", ErrInvalidResponse)
		}
		s.pushViewLocked(user, m)
		return nil
	},
}

// applyViewResponseLocked applies a view submission's ack; s.mu held.
func (s *Server) applyViewResponseLocked(user string, v *view, r ackReply) error {
	apply, ok := viewResponses[r.ResponseAction]
	if !ok {
		return fmt.Errorf("response_action %q: %w", r.ResponseAction, ErrInvalidResponse)
	}
	if !v.Open {
		return nil
	}
	return apply(s, user, v, r)
}

// CloseView has user close the view on top of their modal stack. If the view asked for
// notify_on_close, a view_closed envelope goes to the app and the ack is returned; otherwise
// the returned Ack is empty.
func (s *Server) CloseView(ctx context.Context, user, viewID string) (Ack, error) {
	s.mu.Lock()
	u, vw, i, err := s.viewOfLocked(user, viewID, true)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, err
	}
	s.closeViewsLocked(user, i)
	s.notifyLocked()
	if !vw.NotifyOnClose {
		s.mu.Unlock()
		return Ack{}, nil
	}
	p := s.interactionBase("view_closed", u)
	p["view"] = s.viewJSON(vw)
	p["is_cleared"] = false
	s.mu.Unlock()
	return s.deliverInteraction(ctx, p, false)
}

// PublishEvent delivers an Events API event (an object with a "type", e.g. app_mention) in an
// events_api envelope, redelivering it with retry_attempt and retry_reason while it goes
// unacknowledged, up to MaxEventRetries times.
func (s *Server) PublishEvent(ctx context.Context, event map[string]any) (Ack, error) {
	if t, ok := event["type"].(string); !ok || t == "" {
		return Ack{}, fmt.Errorf("event without a type: %w", ErrInvalidInput)
	}
	ev := make(map[string]any, len(event)+1)
	for k, v := range event {
		ev[k] = v
	}
	raw, err := toJSON(s.eventPayload(ev, s.clock.Now()))
	if err != nil {
		return Ack{}, err
	}
	return s.deliver(ctx, TypeEventsAPI, raw, false)
}

// Deliver delivers a payload the caller built itself in an envelope of type typ (TypeSlashCommands,
// TypeInteractive or TypeEventsAPI), and waits for its ack without applying it: for what the
// helpers above never send, such as a command from another workspace or for another app, which
// an app must drop.
func (s *Server) Deliver(ctx context.Context, typ string, payload map[string]any) (Ack, error) {
	switch typ {
	case TypeSlashCommands, TypeInteractive, TypeEventsAPI:
	default:
		return Ack{}, fmt.Errorf("envelope type %q: %w", typ, ErrInvalidInput)
	}
	raw, err := toJSON(payload)
	if err != nil {
		return Ack{}, err
	}
	return s.deliver(ctx, typ, raw, typ == TypeSlashCommands)
}

// personInLocked checks that user exists and is a member of the channel; s.mu held.
func (s *Server) personInLocked(user, channelID string) (User, *channel, error) {
	u, c, err := s.personSeesLocked(user, channelID)
	if err != nil {
		return u, c, err
	}
	if !c.member(user) {
		return u, c, fmt.Errorf("%s is not in %s: %w", user, channelID, ErrInvalidInput)
	}
	return u, c, nil
}

// personSeesLocked checks that user exists and can see the channel; s.mu held.
func (s *Server) personSeesLocked(user, channelID string) (User, *channel, error) {
	u, ok := s.userLocked(user)
	if !ok || u.Deleted {
		return u, nil, fmt.Errorf("user %s: %w", user, ErrNotFound)
	}
	c, ok := s.channels[channelID]
	if !ok {
		return u, nil, fmt.Errorf("channel %s: %w", channelID, ErrNotFound)
	}
	if (c.Private || c.IM || c.MPIM) && !c.member(user) {
		return u, c, fmt.Errorf("%s cannot see %s: %w", user, channelID, ErrInvalidInput)
	}
	return u, c, nil
}

// viewOfLocked finds an open view of user; top requires it to be the one on top of the stack,
// the one a person can act on. It returns the view's index in the stack. s.mu held.
func (s *Server) viewOfLocked(user, viewID string, top bool) (User, *view, int, error) {
	u, ok := s.userLocked(user)
	if !ok {
		return u, nil, 0, fmt.Errorf("user %s: %w", user, ErrNotFound)
	}
	v, ok := s.views[viewID]
	if !ok || !v.Open || v.User != user {
		return u, nil, 0, fmt.Errorf("open view %s of %s: %w", viewID, user, ErrNotFound)
	}
	stack := s.stacks[user]
	i := slices.Index(stack, viewID)
	if top && i != len(stack)-1 {
		return u, nil, 0, fmt.Errorf("view %s is under another view: %w", viewID, ErrInvalidInput)
	}
	return u, v, i, nil
}

// findEphemeralLocked finds one of user's ephemeral messages; s.mu held.
func (s *Server) findEphemeralLocked(channelID, user, ts string) *Ephemeral {
	for _, e := range s.ephemerals {
		if e.Channel == channelID && e.User == user && e.TS == ts {
			return e
		}
	}
	return nil
}

// deliverInteraction sends a person's interaction (a click, a submission) to the app, as
// deliver does; accepts says whether the ack may carry a response.
func (s *Server) deliverInteraction(ctx context.Context, p map[string]any, accepts bool) (Ack, error) {
	raw, err := toJSON(p)
	if err != nil {
		return Ack{}, err
	}
	return s.deliver(ctx, TypeInteractive, raw, accepts)
}
