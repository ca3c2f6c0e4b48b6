package slacktest

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// maxTextLength is the longest message text Slack takes.
const maxTextLength = 40000

// Message is a message in a conversation, as stored.
type Message struct {
	Channel  string `json:"channel"`
	TS       string `json:"ts"`
	ThreadTS string `json:"thread_ts,omitempty"` // the parent's ts for a reply, the message's own ts for a parent with replies, else ""
	User     string `json:"user"`                // who posted it (the bot's user id for the bot's messages)
	BotID    string `json:"bot_id,omitempty"`    // set for the bot's messages
	Text     string `json:"text"`
	// Blocks are the message's blocks as stored: validated, with the block_id and action_id
	// values Slack fills in. Nil when the message has none.
	Blocks     json.RawMessage `json:"blocks,omitempty"`
	Edited     bool            `json:"edited,omitempty"`
	ReplyCount int             `json:"reply_count,omitempty"`
	// Metadata is what the app attached to the message for apps to read, nil for none.
	Metadata *Metadata `json:"metadata,omitempty"`
}

// SlackBlocks decodes the blocks with slack-go, for typed assertions.
func (m Message) SlackBlocks() (slack.Blocks, error) { return decodeBlocks(m.Blocks) }

// Content returns the text and every string inside the blocks, newline-separated: what a
// person could read on the message.
func (m Message) Content() string { return content(m.Text, m.Blocks) }

// Ephemeral is a message only one user sees.
type Ephemeral struct {
	Channel  string          `json:"channel"`
	User     string          `json:"user"` // who sees it
	TS       string          `json:"ts"`
	ThreadTS string          `json:"thread_ts,omitempty"`
	Text     string          `json:"text"`
	Blocks   json.RawMessage `json:"blocks,omitempty"`
	// Via is how it arrived: "chat.postEphemeral", "response_url" or "ack" (a slash-command
	// reply carried by the ack).
	Via string `json:"via"`
}

// SlackBlocks decodes the blocks with slack-go.
func (e Ephemeral) SlackBlocks() (slack.Blocks, error) { return decodeBlocks(e.Blocks) }

// Content returns the text and every string inside the blocks, newline-separated.
func (e Ephemeral) Content() string { return content(e.Text, e.Blocks) }

func decodeBlocks(raw json.RawMessage) (slack.Blocks, error) {
	var b slack.Blocks
	if len(raw) == 0 {
		return b, nil
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		return b, fmt.Errorf("decoding blocks: %w", err)
	}
	return b, nil
}

func content(text string, blocks json.RawMessage) string {
	parts := []string{text}
	parts = appendJSONStrings(parts, blocks, 0)
	return strings.Join(parts, "\n")
}

// message is a stored conversation message.
type message struct {
	Channel  string
	TS       string
	ThreadTS string // parent's ts for a reply
	User     string
	BotID    string
	AppID    string
	Text     string
	Blocks   json.RawMessage
	EditedTS string
	Replies  int
	Metadata *Metadata
}

func (m *message) isReply() bool { return m.ThreadTS != "" && m.ThreadTS != m.TS }

func (m *message) export() Message {
	out := Message{Channel: m.Channel, TS: m.TS, User: m.User, BotID: m.BotID, Text: m.Text,
		Blocks: m.Blocks, Edited: m.EditedTS != "", ReplyCount: m.Replies, Metadata: m.Metadata}
	if m.isReply() {
		out.ThreadTS = m.ThreadTS
	} else if m.Replies > 0 {
		out.ThreadTS = m.TS
	}
	return out
}

// json renders the message as Slack's API does.
func (m *message) json(team string) map[string]any {
	out := map[string]any{"type": "message", "text": m.Text, "user": m.User, "ts": m.TS, "team": team}
	if m.BotID != "" {
		out["bot_id"] = m.BotID
		out["app_id"] = m.AppID
	}
	if len(m.Blocks) > 0 {
		out["blocks"] = m.Blocks
	}
	if m.isReply() {
		out["thread_ts"] = m.ThreadTS
	} else if m.Replies > 0 {
		out["thread_ts"] = m.TS
		out["reply_count"] = m.Replies
	}
	if m.EditedTS != "" {
		out["edited"] = map[string]any{"user": m.User, "ts": m.EditedTS}
	}
	return out
}

// jsonWithMetadata renders the message as json does, with its metadata when it has some: as
// chat.postMessage and chat.update answer, and conversations.history with include_all_metadata.
func (m *message) jsonWithMetadata(team string) map[string]any {
	out := m.json(team)
	if m.Metadata != nil {
		out["metadata"] = map[string]any{"event_type": m.Metadata.EventType, "event_payload": m.Metadata.EventPayload}
	}
	return out
}

// checkContent validates what a message shows: text within Slack's limit, and blocks (if
// given) that Slack accepts. It returns the normalized blocks.
func (s *Server) checkContent(text string, blocks json.RawMessage, hasBlocks bool) (json.RawMessage, *apiError) {
	if utf8.RuneCountInString(text) > maxTextLength {
		return nil, slackError("msg_too_long")
	}
	var norm json.RawMessage
	if hasBlocks {
		out, problems, err := normalizeBlocks(s.ids, blocks, surfaceMessage)
		switch {
		case err != nil:
			return nil, slackError("invalid_blocks_format")
		case len(problems) > 0:
			return nil, slackError("invalid_blocks", problems...)
		}
		if string(out) != "[]" {
			norm = out
		}
	}
	if strings.TrimSpace(text) == "" && norm == nil {
		return nil, slackError("no_text")
	}
	return norm, nil
}

// postLocked stores a new message in a conversation and returns it; threadTS attaches it to a
// thread (a reply's ts is taken as its parent's, as Slack does). s.mu held.
func (s *Server) postLocked(ch *channel, user, text string, blocks json.RawMessage, threadTS string) *message {
	m := &message{Channel: ch.ID, TS: s.ids.ts(s.clock.Now()), User: user, Text: text, Blocks: blocks}
	if user == s.cfg.botUserID {
		m.BotID, m.AppID = s.cfg.botID, s.cfg.appID
	}
	if threadTS != "" {
		parent := s.findMessageLocked(ch.ID, threadTS)
		if parent != nil && parent.isReply() {
			threadTS = parent.ThreadTS
			parent = s.findMessageLocked(ch.ID, threadTS)
		}
		if parent != nil {
			parent.Replies++
		}
		m.ThreadTS = threadTS
	}
	s.messages[ch.ID] = append(s.messages[ch.ID], m)
	return m
}

// findMessageLocked finds a message of a conversation by ts; s.mu held.
func (s *Server) findMessageLocked(channelID, ts string) *message {
	for _, m := range s.messages[channelID] {
		if m.TS == ts {
			return m
		}
	}
	return nil
}

// deleteMessageLocked removes a message; s.mu held.
func (s *Server) deleteMessageLocked(m *message) {
	list := s.messages[m.Channel]
	for i, x := range list {
		if x == m {
			s.messages[m.Channel] = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if m.isReply() {
		if parent := s.findMessageLocked(m.Channel, m.ThreadTS); parent != nil && parent.Replies > 0 {
			parent.Replies--
		}
	}
}

// postEphemeralLocked stores an ephemeral message; s.mu held.
func (s *Server) postEphemeralLocked(channelID, user, text string, blocks json.RawMessage, threadTS, via string) *Ephemeral {
	e := &Ephemeral{Channel: channelID, User: user, TS: s.ids.ts(s.clock.Now()), ThreadTS: threadTS,
		Text: text, Blocks: blocks, Via: via}
	s.ephemerals = append(s.ephemerals, e)
	return e
}
