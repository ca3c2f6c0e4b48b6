package slacktest

func (s *Server) viewsOpen(a args) (map[string]any, error) {
	triggerID, m, err := s.triggeredView(a)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.externalIDTakenLocked(m.ExternalID, "") {
		return nil, slackError("duplicate_external_id")
	}
	t, err := s.useTriggerLocked(triggerID)
	if err != nil {
		return nil, err
	}
	if len(s.stacks[t.User]) > 0 {
		s.closeViewsLocked(t.User, 0)
	}
	v := s.newViewLocked(t.User, m, "", "")
	s.stacks[t.User] = []string{v.ID}
	return map[string]any{"view": s.viewJSON(v)}, nil
}

// triggeredView reads the trigger_id and the checked view of views.open and views.push.
func (s *Server) triggeredView(a args) (string, modalRequest, *apiError) {
	raw, ok := a.raw("view")
	triggerID := a.str("trigger_id")
	if !ok || triggerID == "" {
		return "", modalRequest{}, slackError("invalid_arguments", "[ERROR] missing required field: view or trigger_id")
	}
	m, err := s.checkModal(raw)
	return triggerID, m, err
}

func (s *Server) viewsPush(a args) (map[string]any, error) {
	triggerID, m, err := s.triggeredView(a)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.externalIDTakenLocked(m.ExternalID, "") {
		return nil, slackError("duplicate_external_id")
	}
	t, ok2 := s.triggers[triggerID]
	if ok2 && len(s.stacks[t.User]) >= maxStack {
		return nil, slackError("push_limit_reached")
	}
	t, err = s.useTriggerLocked(triggerID)
	if err != nil {
		return nil, err
	}
	v := s.pushViewLocked(t.User, m)
	return map[string]any{"view": s.viewJSON(v)}, nil
}

// pushViewLocked puts a new view on top of a user's stack (or opens one); s.mu held.
func (s *Server) pushViewLocked(user string, m modalRequest) *view {
	stack := s.stacks[user]
	root, prev := "", ""
	if len(stack) > 0 {
		prev = stack[len(stack)-1]
		root = s.views[stack[0]].ID
	}
	v := s.newViewLocked(user, m, root, prev)
	s.stacks[user] = append(stack, v.ID)
	return v
}

func (s *Server) viewsUpdate(a args) (map[string]any, error) {
	raw, ok := a.raw("view")
	if !ok || (a.str("view_id") == "" && a.str("external_id") == "") {
		return nil, slackError("invalid_arguments", "[ERROR] missing required field: view and view_id or external_id")
	}
	m, err := s.checkModal(raw)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.findOpenViewLocked(a.str("view_id"), a.str("external_id"))
	if v == nil {
		return nil, slackError("not_found")
	}
	if h := a.str("hash"); h != "" && h != v.Hash {
		return nil, slackError("hash_conflict")
	}
	if m.ExternalID == "" {
		m.ExternalID = v.ExternalID
	}
	if s.externalIDTakenLocked(m.ExternalID, v.ID) {
		return nil, slackError("duplicate_external_id")
	}
	s.applyModal(v, m)
	return map[string]any{"view": s.viewJSON(v)}, nil
}

// findOpenViewLocked finds an open view by id or external id; s.mu held.
func (s *Server) findOpenViewLocked(id, externalID string) *view {
	if id != "" {
		if v, ok := s.views[id]; ok && v.Open {
			return v
		}
		return nil
	}
	for _, v := range s.views {
		if v.Open && v.ExternalID == externalID {
			return v
		}
	}
	return nil
}
