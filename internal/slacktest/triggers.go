package slacktest

// trigger is a trigger_id handed out with an interaction: it opens or pushes one view, within
// TriggerLifetime of the interaction.
type trigger struct {
	User   string
	Issued int64 // server clock, Unix nanoseconds
	Used   bool
}

// issueTriggerLocked hands out a fresh trigger_id for user; s.mu held.
func (s *Server) issueTriggerLocked(user string) string {
	now := s.clock.Now()
	id := s.ids.trigger(now)
	s.triggers[id] = &trigger{User: user, Issued: now.UnixNano()}
	return id
}

// useTriggerLocked spends a trigger_id: it must exist, be unused and be younger than
// TriggerLifetime. s.mu held.
func (s *Server) useTriggerLocked(id string) (*trigger, *apiError) {
	t, ok := s.triggers[id]
	switch {
	case !ok:
		return nil, slackError("invalid_trigger_id")
	case t.Used:
		return nil, slackError("exchanged_trigger_id")
	case s.clock.Now().UnixNano()-t.Issued > int64(TriggerLifetime):
		return nil, slackError("expired_trigger_id")
	}
	t.Used = true
	return t, nil
}
