package bot

import (
	"encoding/json"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
)

// The payloads of envelopes, as far as the bot reads them. They are decoded where the work
// runs, in parallel, not by the goroutine that reads the connection; and a click's payload
// is read without the message it was made on (its blocks are most of it, and the bot reads
// the request from the store, not from the card).

// slashCommand is what the bot reads of a slash command.
type slashCommand struct {
	TeamID       string `json:"team_id"`
	EnterpriseID string `json:"enterprise_id"`
	APIAppID     string `json:"api_app_id"`
	Command      string `json:"command"`
	Text         string `json:"text"`
	ChannelID    string `json:"channel_id"`
	UserID       string `json:"user_id"`
	TriggerID    string `json:"trigger_id"`
	ResponseURL  string `json:"response_url"`
}

// interaction is what the bot reads of an interactive payload: a click (block_actions), a
// modal submission (view_submission), or anything else Slack sends, which is acknowledged
// and dropped.
type interaction struct {
	Type        slack.InteractionType `json:"type"`
	Team        idOnly                `json:"team"`
	Enterprise  idOnly                `json:"enterprise"`
	APIAppID    string                `json:"api_app_id"`
	User        idOnly                `json:"user"`
	Channel     idOnly                `json:"channel"`
	TriggerID   string                `json:"trigger_id"`
	ResponseURL string                `json:"response_url"`
	Container   struct {
		Type        string `json:"type"` // "message" for a click on a message
		ChannelID   string `json:"channel_id"`
		MessageTS   string `json:"message_ts"`
		ThreadTS    string `json:"thread_ts"`
		IsEphemeral bool   `json:"is_ephemeral"`
	} `json:"container"`
	// Actions are a click's buttons.
	Actions []struct {
		ActionID string `json:"action_id"`
		Value    string `json:"value"`
	} `json:"actions"`
	// View is a submitted modal, decoded by submittedView.
	View json.RawMessage `json:"view"`
}

// idOnly is an object of which the bot reads the id.
type idOnly struct {
	ID string `json:"id"`
}

// caller is the person behind an interaction, where they are and how to answer them.
func (in *interaction) caller() caller {
	who := caller{
		Team: in.Team.ID, Enterprise: in.Enterprise.ID, Channel: in.Channel.ID, User: in.User.ID, TriggerID: in.TriggerID,
		To: audience{User: in.User.ID, Channel: in.Channel.ID, ThreadTS: in.Container.ThreadTS, ResponseURL: in.ResponseURL},
	}
	if who.Channel == "" {
		who.Channel = in.Container.ChannelID
		who.To.Channel = who.Channel
	}
	if c := in.Container; c.Type == "message" && !c.IsEphemeral && (c.ThreadTS == "" || c.ThreadTS == c.MessageTS) {
		who.Card = approval.Thread{Channel: c.ChannelID, TS: c.MessageTS}
	}
	return who
}

// submittedView decodes the modal of a view_submission.
func (in *interaction) submittedView() (slack.View, error) {
	var v slack.View
	if len(in.View) == 0 {
		return v, fmt.Errorf("a %s without its view", in.Type)
	}
	if err := json.Unmarshal(in.View, &v); err != nil {
		return v, fmt.Errorf("decoding the submitted view: %w", err)
	}
	return v, nil
}

// decodePayload decodes an envelope's payload into v.
func decodePayload(env *envelope, v any) error {
	if err := json.Unmarshal(env.Payload, v); err != nil {
		return fmt.Errorf("decoding the payload of a %s envelope: %w", env.Type, err)
	}
	return nil
}
