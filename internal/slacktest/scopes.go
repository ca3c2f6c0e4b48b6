package slacktest

import (
	"slices"
	"strings"
)

// botScopes are the bot token scopes the fake knows of. A token has them all until
// RevokeScopes takes some away; the methods that check a scope answer missing_scope without it.
var botScopes = []string{
	"channels:history", "channels:read", "chat:write", "commands", "groups:history", "groups:read",
	"im:history", "im:write", "mpim:history", "usergroups:read", "users:read",
}

// RevokeScopes takes scopes away from the bot token, as an app installed before it asked for
// them is: a method that needs one answers missing_scope, with the scope it needed and the ones
// the token has. Only conversations.history checks its scope.
func (s *Server) RevokeScopes(scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sc := range scopes {
		s.revoked[sc] = true
	}
}

// GrantScopes gives revoked scopes back to the bot token.
func (s *Server) GrantScopes(scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sc := range scopes {
		delete(s.revoked, sc)
	}
}

// needScopeLocked answers missing_scope unless the bot token has scope; s.mu held.
func (s *Server) needScopeLocked(scope string) *apiError {
	if !s.revoked[scope] {
		return nil
	}
	provided := slices.DeleteFunc(slices.Clone(botScopes), func(sc string) bool { return s.revoked[sc] })
	return &apiError{code: "missing_scope", fields: map[string]any{"needed": scope, "provided": strings.Join(provided, ",")}}
}

// historyScope is the scope reading a conversation's history needs, by its kind.
func historyScope(c *channel) string {
	switch {
	case c.IM:
		return "im:history"
	case c.MPIM:
		return "mpim:history"
	case c.Private:
		return "groups:history"
	}
	return "channels:history"
}
