package slacktest

import (
	"slices"
	"sort"
	"strings"
)

func (s *Server) authTest(args) (map[string]any, error) {
	return map[string]any{
		"url":                   "https://" + s.cfg.teamDomain + ".slack.com/",
		"team":                  s.cfg.teamDomain,
		"user":                  s.cfg.botName,
		"team_id":               s.cfg.teamID,
		"user_id":               s.cfg.botUserID,
		"bot_id":                s.cfg.botID,
		"is_enterprise_install": false,
	}, nil
}

// botsInfo answers bots.info for the app's own bot (the only bot in the workspace): its id, the
// app it belongs to and its user.
func (s *Server) botsInfo(a args) (map[string]any, error) {
	if a.str("bot") != s.cfg.botID {
		return nil, slackError("bot_not_found")
	}
	return map[string]any{"bot": map[string]any{
		"id": s.cfg.botID, "deleted": false, "name": s.cfg.botName, "updated": s.clock.Now().Unix(),
		"app_id": s.cfg.appID, "user_id": s.cfg.botUserID,
		"icons": map[string]any{"image_36": "https://a.slack-edge.com/bot_36.png"},
	}}, nil
}

func (s *Server) conversationsOpen(a args) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id := a.str("channel"); id != "" {
		c, ok := s.channels[id]
		if !ok || (!c.IM && !c.MPIM) {
			return nil, slackError("channel_not_found")
		}
		return map[string]any{"no_op": true, "already_open": true, "channel": s.channelJSONLocked(c, a.bool("return_im"))}, nil
	}
	users := a.list("users")
	if len(users) == 0 {
		return nil, slackError("users_list_not_supplied")
	}
	if len(users) > 8 {
		return nil, slackError("too_many_users")
	}
	for _, u := range users {
		usr, ok := s.userLocked(u)
		if !ok {
			return nil, slackError("user_not_found")
		}
		if usr.Deleted {
			return nil, slackError("user_disabled")
		}
	}
	if len(users) == 1 {
		_, existed := s.ims[users[0]]
		c := s.imLocked(users[0])
		return map[string]any{"no_op": existed, "already_open": existed, "channel": s.channelJSONLocked(c, a.bool("return_im"))}, nil
	}
	members := append(slices.Clone(users), s.cfg.botUserID)
	sort.Strings(members)
	for _, c := range s.channels {
		if c.MPIM && slices.Equal(c.Members, members) {
			return map[string]any{"no_op": true, "already_open": true, "channel": s.channelJSONLocked(c, true)}, nil
		}
	}
	var names []string
	for _, m := range members {
		u, _ := s.userLocked(m)
		names = append(names, u.Name)
	}
	c := &channel{ID: s.ids.mpim(), Name: strings.Join(names, "--") + "-1", MPIM: true, Private: true,
		Members: members, Created: s.clock.Now().Unix()}
	s.channels[c.ID] = c
	return map[string]any{"channel": s.channelJSONLocked(c, true)}, nil
}

func (s *Server) conversationsInfo(a args) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[a.str("channel")]
	if !ok || ((c.Private || c.MPIM) && !c.member(s.cfg.botUserID)) {
		return nil, slackError("channel_not_found")
	}
	out := s.channelJSONLocked(c, true)
	if a.bool("include_num_members") && !c.IM {
		out["num_members"] = len(c.Members)
	}
	return map[string]any{"channel": out}, nil
}

// channelJSONLocked renders a conversation as Slack's API does; full adds the details
// conversations.open leaves out unless return_im is set. s.mu held.
func (s *Server) channelJSONLocked(c *channel, full bool) map[string]any {
	out := map[string]any{"id": c.ID}
	if !full {
		return out
	}
	out["created"] = c.Created
	out["is_archived"] = false
	out["is_im"] = c.IM
	out["is_mpim"] = c.MPIM
	out["is_private"] = c.Private || c.IM
	out["context_team_id"] = s.cfg.teamID
	if c.IM {
		out["user"] = c.User
		out["is_open"] = true
		out["is_org_shared"] = false
		return out
	}
	out["name"] = c.Name
	out["name_normalized"] = c.Name
	out["is_channel"] = !c.Private && !c.MPIM
	out["is_group"] = c.Private && !c.MPIM
	out["is_general"] = false
	out["is_shared"] = false
	out["is_ext_shared"] = false
	out["is_org_shared"] = false
	out["is_member"] = c.member(s.cfg.botUserID)
	return out
}

func (s *Server) usersInfo(a args) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.userLocked(a.str("user"))
	if !ok {
		return nil, slackError("user_not_found")
	}
	return map[string]any{"user": s.userJSON(u)}, nil
}

// usersGetPresence answers users.getPresence: "active" or "away" for another user; for the
// authed user (the bot, when no user is given) also how that was worked out, as Slack does:
// online and connection_count from its Socket Mode connections.
func (s *Server) usersGetPresence(a args) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := a.str("user")
	if id == "" {
		id = s.cfg.botUserID
	}
	u, ok := s.userLocked(id)
	if !ok {
		return nil, slackError("user_not_found")
	}
	presence := s.presenceLocked(u)
	out := map[string]any{"presence": presence}
	if id != s.cfg.botUserID {
		return out, nil
	}
	out["online"] = len(s.conns) > 0
	out["auto_away"] = false
	out["manual_away"] = presence == PresenceAway
	out["connection_count"] = len(s.conns)
	out["last_activity"] = s.clock.Now().Unix()
	return out, nil
}

// userJSON renders a user as users.info does.
func (s *Server) userJSON(u User) map[string]any {
	profile := map[string]any{"real_name": u.RealName, "display_name": u.Name, "real_name_normalized": u.RealName,
		"display_name_normalized": u.Name, "team": s.cfg.teamID}
	if u.Email != "" {
		profile["email"] = u.Email
	}
	if u.IsBot {
		profile["bot_id"] = s.cfg.botID
	}
	return map[string]any{
		"id": u.ID, "team_id": s.cfg.teamID, "name": u.Name, "deleted": u.Deleted, "real_name": u.RealName,
		"tz": u.TZ, "is_admin": u.IsAdmin, "is_owner": false, "is_primary_owner": false, "is_restricted": false,
		"is_ultra_restricted": false, "is_bot": u.IsBot, "is_app_user": false, "profile": profile,
	}
}

func (s *Server) usergroupsList(a args) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	groups := make([]*userGroup, 0, len(s.groups))
	for _, g := range s.groups {
		if g.Disabled && !a.bool("include_disabled") {
			continue
		}
		groups = append(groups, g)
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].ID < groups[j].ID })
	out := make([]map[string]any, 0, len(groups))
	for _, g := range groups {
		gj := map[string]any{
			"id": g.ID, "team_id": s.cfg.teamID, "is_usergroup": true, "is_subteam": true, "name": g.Name,
			"description": "", "handle": g.Handle, "is_external": false, "date_create": g.Created,
			"date_update": g.Created, "date_delete": 0, "auto_type": nil, "created_by": s.cfg.botUserID,
			"updated_by": s.cfg.botUserID, "deleted_by": nil, "prefs": map[string]any{"channels": []string{}, "groups": []string{}},
		}
		if g.Disabled {
			gj["date_delete"] = g.Created
		}
		if a.bool("include_count") {
			gj["user_count"] = len(g.Members)
		}
		if a.bool("include_users") {
			gj["users"] = slices.Clone(g.Members)
		}
		out = append(out, gj)
	}
	return map[string]any{"usergroups": out}, nil
}

func (s *Server) usergroupsUsersList(a args) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.groups[a.str("usergroup")]
	if !ok {
		return nil, slackError("no_such_subteam")
	}
	if g.Disabled && !a.bool("include_disabled") {
		return nil, slackError("no_such_subteam")
	}
	return map[string]any{"users": slices.Clone(g.Members)}, nil
}
