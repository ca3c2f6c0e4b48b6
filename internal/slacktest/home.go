package slacktest

import (
	"context"
	"fmt"
)

// The App Home's Home tab: views.publish sets a user's Home tab (each user sees their own),
// OpenAppHome is the person opening it, which sends the app the app_home_opened event.

func (s *Server) viewsPublish(a args) (map[string]any, error) {
	user := a.str("user_id")
	raw, ok := a.raw("view")
	if user == "" || !ok {
		return nil, slackError("invalid_arguments", "[ERROR] missing required field: user_id or view")
	}
	m, err := s.checkView(raw, viewHome)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.userLocked(user); !ok || u.Deleted {
		return nil, slackError("user_not_found")
	}
	v := s.views[s.homes[user]]
	if h := a.str("hash"); h != "" && v != nil && h != v.Hash {
		return nil, slackError("hash_conflict")
	}
	id := ""
	if v != nil {
		id = v.ID
	}
	if s.externalIDTakenLocked(m.ExternalID, id) {
		return nil, slackError("duplicate_external_id")
	}
	if v == nil {
		v = &view{Type: viewHome, ID: s.ids.view(), User: user, Open: true}
		v.RootViewID = v.ID
		s.views[v.ID] = v
		s.homes[user] = v.ID
	}
	s.applyModal(v, m)
	s.notifyLocked()
	return map[string]any{"view": s.viewJSON(v)}, nil
}

// Home returns the Home tab the app published for user, and false when it published none.
func (s *Server) Home(user string) (View, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.views[s.homes[user]]
	if !ok {
		return View{}, false
	}
	return v.export(), true
}

// OpenAppHome has user open the app's Home tab: Slack sends the app_home_opened event (with
// the view published before, when there is one) and shows whatever the app publishes.
func (s *Server) OpenAppHome(ctx context.Context, user string) (Ack, error) {
	s.mu.Lock()
	u, ok := s.userLocked(user)
	if !ok || u.Deleted {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("user %s: %w", user, ErrNotFound)
	}
	event := map[string]any{"type": "app_home_opened", "user": user, "channel": s.imLocked(user).ID, "tab": "home"}
	if v, ok := s.views[s.homes[user]]; ok {
		event["view"] = s.viewJSON(v)
	}
	raw, err := toJSON(s.eventPayload(event, s.clock.Now()))
	s.mu.Unlock()
	if err != nil {
		return Ack{}, err
	}
	return s.deliver(ctx, TypeEventsAPI, raw, false)
}
