package slacktest

import (
	"fmt"
	"slices"
	"strings"
)

// User is a member of the fake workspace.
type User struct {
	ID       string `json:"id"`
	Name     string `json:"name"` // the handle, e.g. "alice"
	RealName string `json:"real_name"`
	Email    string `json:"email"`
	TZ       string `json:"tz"`
	IsAdmin  bool   `json:"is_admin"`
	IsBot    bool   `json:"is_bot"`
	Deleted  bool   `json:"deleted"`
}

// channel is a conversation: a public or private channel, an IM or a multi-person IM.
type channel struct {
	ID      string
	Name    string
	Private bool
	IM      bool   // a direct message between the bot and User
	MPIM    bool   // a multi-person direct message
	User    string // the other party of an IM
	Members []string
	Created int64
}

func (c *channel) member(user string) bool { return slices.Contains(c.Members, user) }

// commandName is the channel_name Slack puts in a slash command payload.
func (c *channel) commandName() string {
	switch {
	case c.IM:
		return "directmessage"
	case c.MPIM:
		return "mpdm-" + c.Name
	case c.Private:
		return "privategroup"
	}
	return c.Name
}

// userGroup is a Slack user group (a "subteam").
type userGroup struct {
	ID       string
	Handle   string
	Name     string
	Members  []string
	Disabled bool
	Created  int64
}

// AddUser adds u to the workspace, or replaces the user with the same ID.
func (s *Server) AddUser(u User) {
	if u.Name == "" {
		u.Name = strings.ToLower(u.ID)
	}
	if u.RealName == "" {
		u.RealName = u.Name
	}
	if u.TZ == "" {
		u.TZ = "Europe/London"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// AddUserGroup adds a user group with the given id (S…), handle (without @) and members, or
// replaces its members.
func (s *Server) AddUserGroup(id, handle string, members ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups[id] = &userGroup{ID: id, Handle: handle, Name: handle, Members: slices.Clone(members), Created: s.clock.Now().Unix()}
}

// DisableUserGroup marks a user group disabled: usergroups.list leaves it out unless asked for
// disabled groups.
func (s *Server) DisableUserGroup(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.groups[id]
	if !ok {
		return fmt.Errorf("user group %s: %w", id, ErrNotFound)
	}
	g.Disabled = true
	return nil
}

// AddChannel adds a public channel with the given members. The bot is a member only if its
// user id (BotUserID) is among them, as in Slack where a bot must be invited.
func (s *Server) AddChannel(id, name string, members ...string) {
	s.addChannel(&channel{ID: id, Name: name, Members: slices.Clone(members)})
}

// AddPrivateChannel adds a private channel with the given members (BotUserID to include the bot).
func (s *Server) AddPrivateChannel(id, name string, members ...string) {
	s.addChannel(&channel{ID: id, Name: name, Private: true, Members: slices.Clone(members)})
}

func (s *Server) addChannel(c *channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.Created = s.clock.Now().Unix()
	s.channels[c.ID] = c
}

// JoinChannel adds users to a channel's members.
func (s *Server) JoinChannel(channelID string, users ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[channelID]
	if !ok {
		return fmt.Errorf("channel %s: %w", channelID, ErrNotFound)
	}
	for _, u := range users {
		if !c.member(u) {
			c.Members = append(c.Members, u)
		}
	}
	return nil
}

// LeaveChannel removes users from a channel's members.
func (s *Server) LeaveChannel(channelID string, users ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[channelID]
	if !ok {
		return fmt.Errorf("channel %s: %w", channelID, ErrNotFound)
	}
	c.Members = slices.DeleteFunc(c.Members, func(m string) bool { return slices.Contains(users, m) })
	return nil
}

// imLocked returns the IM channel between the bot and user, opening it if needed; s.mu held.
func (s *Server) imLocked(user string) *channel {
	if id, ok := s.ims[user]; ok {
		return s.channels[id]
	}
	c := &channel{ID: s.ids.im(), IM: true, User: user, Members: []string{user, s.cfg.botUserID}, Created: s.clock.Now().Unix()}
	s.channels[c.ID] = c
	s.ims[user] = c.ID
	return c
}

// IMChannel returns the id of the direct-message channel between the bot and user, opening it
// as conversations.open would.
func (s *Server) IMChannel(user string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.imLocked(user).ID
}

// userLocked looks a user up; s.mu held.
func (s *Server) userLocked(id string) (User, bool) {
	u, ok := s.users[id]
	return u, ok
}

// botUser is the bot as a workspace member.
func (s *Server) botUser() User {
	return User{ID: s.cfg.botUserID, Name: s.cfg.botName, RealName: s.cfg.botName, IsBot: true, TZ: "Europe/London"}
}

// A person's presence, as users.getPresence reports it.
const (
	// PresenceActive: the person is in Slack now and is shown ephemeral messages. Everyone is
	// active until SetPresence says otherwise.
	PresenceActive = "active"
	// PresenceAway: the person is not in Slack now. chat.postEphemeral to them still answers
	// ok, but they never see the message, so Ephemerals does not list it.
	PresenceAway = "away"
)

// SetPresence sets whether user is active in Slack now (PresenceActive) or away
// (PresenceAway). Presence changes only through SetPresence: what a person does through the
// helpers leaves it as it is.
func (s *Server) SetPresence(user, presence string) error {
	if presence != PresenceActive && presence != PresenceAway {
		return fmt.Errorf("presence %q, want %q or %q: %w", presence, PresenceActive, PresenceAway, ErrInvalidInput)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.userLocked(user); !ok {
		return fmt.Errorf("user %s: %w", user, ErrNotFound)
	}
	if presence == PresenceAway {
		s.away[user] = true
	} else {
		delete(s.away, user)
	}
	s.notifyLocked()
	return nil
}

// presenceLocked is u's presence now: a deactivated user is away. s.mu held.
func (s *Server) presenceLocked(u User) string {
	if u.Deleted || s.away[u.ID] {
		return PresenceAway
	}
	return PresenceActive
}
