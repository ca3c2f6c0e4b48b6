package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// responseURL is a response_url handed out with a slash command or a block action.
type responseURL struct {
	User      string
	Channel   string
	MessageTS string // the message the action was on ("" for a slash command)
	Ephemeral bool   // that message is an ephemeral one of User's
	Created   time.Time
	Uses      int
}

// newResponseURLLocked hands out a response_url; s.mu held.
func (s *Server) newResponseURLLocked(r responseURL) string {
	id := s.ids.ticket()
	r.Created = s.clock.Now()
	s.responses[id] = &r
	return s.baseURL + "/response/" + id
}

// serveResponseURL applies a post to a response_url as Slack does: an ephemeral reply by default,
// a channel message for response_type in_channel, or a change to the original message with
// replace_original / delete_original.
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "invalid_payload"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recordLocked("response_url", body, jsonStrings(body))
	ru, ok := s.responses[r.PathValue("id")]
	switch {
	case !ok:
		writeJSON(w, http.StatusNotFound, map[string]any{"ok": false, "error": "invalid_url"})
		return
	case s.clock.Now().Sub(ru.Created) > ResponseURLLifetime:
		writeJSON(w, http.StatusNotFound, map[string]any{"ok": false, "error": "expired_url"})
		return
	case ru.Uses >= ResponseURLUses:
		writeJSON(w, http.StatusNotFound, map[string]any{"ok": false, "error": "used_url"})
		return
	}
	var reply ackReply
	if err := json.Unmarshal(body, &reply); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "invalid_payload"})
		return
	}
	ru.Uses++
	defer s.notifyLocked()
	if err := s.applyReplyLocked(ru, reply, "response_url"); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": err.code})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

// applyReplyLocked shows a reply to an interaction (a response_url post or a slash command's
// ack payload). s.mu held.
func (s *Server) applyReplyLocked(ru *responseURL, reply ackReply, via string) *apiError {
	if reply.DeleteOriginal && ru.MessageTS != "" {
		s.deleteOriginalLocked(ru)
		return nil
	}
	blocks, hasBlocks := reply.Blocks, len(reply.Blocks) > 0 && string(reply.Blocks) != "null"
	norm, err := s.checkContent(reply.Text, blocks, hasBlocks)
	if err != nil {
		return err
	}
	if reply.ReplaceOriginal && ru.MessageTS != "" {
		s.replaceOriginalLocked(ru, reply.Text, norm)
		return nil
	}
	c, ok := s.channels[ru.Channel]
	if !ok {
		return slackError("channel_not_found")
	}
	if reply.ResponseType == "in_channel" {
		s.postLocked(c, s.cfg.botUserID, reply.Text, norm, reply.ThreadTS)
		return nil
	}
	s.postEphemeralLocked(c.ID, ru.User, reply.Text, norm, reply.ThreadTS, via)
	return nil
}

func (s *Server) deleteOriginalLocked(ru *responseURL) {
	if ru.Ephemeral {
		for i, e := range s.ephemerals {
			if e.Channel == ru.Channel && e.User == ru.User && e.TS == ru.MessageTS {
				s.ephemerals = append(s.ephemerals[:i:i], s.ephemerals[i+1:]...)
				return
			}
		}
		return
	}
	if m := s.findMessageLocked(ru.Channel, ru.MessageTS); m != nil {
		s.deleteMessageLocked(m)
	}
}

func (s *Server) replaceOriginalLocked(ru *responseURL, text string, blocks json.RawMessage) {
	if ru.Ephemeral {
		for _, e := range s.ephemerals {
			if e.Channel == ru.Channel && e.User == ru.User && e.TS == ru.MessageTS {
				e.Text, e.Blocks = text, blocks
			}
		}
		return
	}
	if m := s.findMessageLocked(ru.Channel, ru.MessageTS); m != nil {
		m.Text, m.Blocks = text, blocks
		m.EditedTS = s.ids.ts(s.clock.Now())
	}
}

// ResponseURLPosts returns how many posts a response_url (as handed out in a payload) took.
func (s *Server) ResponseURLPosts(url string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, ru := range s.responses {
		if s.baseURL+"/response/"+id == url {
			return ru.Uses, nil
		}
	}
	return 0, fmt.Errorf("response_url %s: %w", url, ErrNotFound)
}
