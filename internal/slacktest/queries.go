package slacktest

// Messages returns the top-level messages of a conversation, oldest first (thread replies are
// in Thread).
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages[channelID] {
		if !m.isReply() {
			out = append(out, m.export())
		}
	}
	return out
}

// allMessages returns every message of a conversation, replies included, oldest first.
func (s *Server) allMessages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, 0, len(s.messages[channelID]))
	for _, m := range s.messages[channelID] {
		out = append(out, m.export())
	}
	return out
}

// Thread returns a thread: its parent (if it exists) and then its replies, oldest first. ts may
// be the parent's or any reply's.
func (s *Server) Thread(channelID, ts string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.findMessageLocked(channelID, ts); m != nil && m.isReply() {
		ts = m.ThreadTS
	}
	var out []Message
	for _, m := range s.messages[channelID] {
		if m.TS == ts || m.ThreadTS == ts {
			out = append(out, m.export())
		}
	}
	return out
}

// Message returns one message of a conversation.
func (s *Server) Message(channelID, ts string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.findMessageLocked(channelID, ts); m != nil {
		return m.export(), true
	}
	return Message{}, false
}

// Ephemerals returns the ephemeral messages user was shown, oldest first.
func (s *Server) Ephemerals(user string) []Ephemeral {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Ephemeral
	for _, e := range s.ephemerals {
		if e.User == user {
			out = append(out, *e)
		}
	}
	return out
}

// DMs returns every message of the direct conversation between the bot and user, replies
// included, oldest first.
func (s *Server) DMs(user string) []Message {
	s.mu.Lock()
	id, ok := s.ims[user]
	s.mu.Unlock()
	if !ok {
		return nil
	}
	return s.allMessages(id)
}

// Views returns user's open modal stack, root first.
func (s *Server) Views(user string) []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []View
	for _, id := range s.stacks[user] {
		out = append(out, s.views[id].export())
	}
	return out
}

// View returns a view by id, open or closed.
func (s *Server) View(id string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.views[id]
	if !ok {
		return View{}, false
	}
	return v.export(), true
}
