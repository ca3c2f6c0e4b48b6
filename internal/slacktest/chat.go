package slacktest

import (
	"strings"
)

// resolveChannelLocked finds the conversation a channel argument names: a conversation id, a
// user id (the bot's IM with that user, as chat.postMessage allows) or a channel name.
// s.mu held.
func (s *Server) resolveChannelLocked(ref string) (*channel, *apiError) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, slackError("channel_not_found")
	}
	if c, ok := s.channels[ref]; ok {
		return c, nil
	}
	if u, ok := s.users[ref]; ok && !u.IsBot {
		if u.Deleted {
			return nil, slackError("user_disabled")
		}
		return s.imLocked(ref), nil
	}
	name := strings.TrimPrefix(ref, "#")
	for _, c := range s.channels {
		if !c.IM && !c.MPIM && c.Name == name {
			return c, nil
		}
	}
	return nil, slackError("channel_not_found")
}

// writableLocked resolves a channel the bot wants to post to: it must exist, be visible to the
// bot and have the bot as a member. s.mu held.
func (s *Server) writableLocked(ref string) (*channel, *apiError) {
	c, err := s.resolveChannelLocked(ref)
	if err != nil {
		return nil, err
	}
	if !c.member(s.cfg.botUserID) {
		if c.Private || c.MPIM {
			return nil, slackError("channel_not_found")
		}
		return nil, slackError("not_in_channel")
	}
	return c, nil
}

func (s *Server) chatPostMessage(a args) (map[string]any, error) {
	blocks, hasBlocks := a.raw("blocks")
	meta, _, merr := metadataArg(a)
	// The content is checked before the lock is taken, as it needs nothing the lock guards;
	// a problem with the channel is still the answer when there are both.
	norm, cerr := s.checkContent(a.str("text"), blocks, hasBlocks)
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.writableLocked(a.str("channel"))
	if err != nil {
		return nil, err
	}
	if cerr != nil {
		return nil, cerr
	}
	if merr != nil {
		return nil, merr
	}
	m := s.postLocked(c, s.cfg.botUserID, a.str("text"), norm, a.str("thread_ts"))
	m.Metadata = meta
	return map[string]any{"channel": c.ID, "ts": m.TS, "message": m.jsonWithMetadata(s.cfg.teamID)}, nil
}

// chatUpdate replaces a message's text and blocks, and its metadata when the call gives some
// (a call without metadata leaves the message's as it was).
func (s *Server) chatUpdate(a args) (map[string]any, error) {
	blocks, hasBlocks := a.raw("blocks")
	meta, hasMeta, merr := metadataArg(a)
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, err := s.ownMessageLocked(a, "cant_update_message")
	if err != nil {
		return nil, err
	}
	text := m.Text
	if a.has("text") {
		text = a.str("text")
	}
	if !hasBlocks && len(m.Blocks) > 0 && !a.has("blocks") {
		blocks, hasBlocks = m.Blocks, true
	}
	norm, err := s.checkContent(text, blocks, hasBlocks)
	if err != nil {
		return nil, err
	}
	if merr != nil {
		return nil, merr
	}
	m.Text, m.Blocks = text, norm
	if hasMeta {
		m.Metadata = meta
	}
	m.EditedTS = s.ids.ts(s.clock.Now())
	return map[string]any{"channel": c.ID, "ts": m.TS, "text": m.Text, "message": m.jsonWithMetadata(s.cfg.teamID)}, nil
}

// ownMessageLocked finds the message a call names by channel and ts, which must be the bot's
// own; notOwn is the error Slack answers for someone else's message. s.mu held.
func (s *Server) ownMessageLocked(a args, notOwn string) (*channel, *message, *apiError) {
	c, err := s.resolveChannelLocked(a.str("channel"))
	if err != nil {
		return nil, nil, err
	}
	m := s.findMessageLocked(c.ID, a.str("ts"))
	if m == nil {
		return nil, nil, slackError("message_not_found")
	}
	if m.User != s.cfg.botUserID {
		return nil, nil, slackError(notOwn)
	}
	return c, m, nil
}

func (s *Server) chatDelete(a args) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, err := s.ownMessageLocked(a, "cant_delete_message")
	if err != nil {
		return nil, err
	}
	s.deleteMessageLocked(m)
	return map[string]any{"channel": c.ID, "ts": m.TS}, nil
}

func (s *Server) chatPostEphemeral(a args) (map[string]any, error) {
	blocks, hasBlocks := a.raw("blocks")
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.writableLocked(a.str("channel"))
	if err != nil {
		return nil, err
	}
	user := a.str("user")
	u, ok := s.userLocked(user)
	if !ok {
		return nil, slackError("user_not_found")
	}
	if !c.member(user) {
		return nil, slackError("user_not_in_channel")
	}
	norm, err := s.checkContent(a.str("text"), blocks, hasBlocks)
	if err != nil {
		return nil, err
	}
	if s.presenceLocked(u) == PresenceAway {
		// Slack shows an ephemeral message only to a user active now, and answers ok regardless.
		return map[string]any{"message_ts": s.ids.ts(s.clock.Now())}, nil
	}
	e := s.postEphemeralLocked(c.ID, user, a.str("text"), norm, a.str("thread_ts"), "chat.postEphemeral")
	return map[string]any{"message_ts": e.TS}, nil
}
