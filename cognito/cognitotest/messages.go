package cognitotest

import (
	"strings"
	"time"
)

// Message is one message Cognito would have sent to a user. Tests read codes from here.
type Message struct {
	PoolID   string
	Username string
	// Trigger is the operation that sent it: AdminResetUserPassword, ForgotPassword or
	// AdminCreateUser (an invitation).
	Trigger string
	// Medium is EMAIL or SMS; Destination the address or number it went to.
	Medium      string
	Destination string
	// Code is the password-reset code or, for an invitation, the temporary password.
	Code string
	At   time.Time
}

// send records a message; the caller holds s.mu.
func (s *Server) send(p *pool, u *user, trigger, medium, destination, code string) {
	s.messages = append(s.messages, Message{
		PoolID: p.id, Username: u.username, Trigger: trigger, Medium: medium,
		Destination: destination, Code: code, At: s.now(),
	})
}

// Sent lists the messages sent to a user (named by username, sub or sign-in alias), oldest first.
func (s *Server) Sent(poolID, username string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.pools[poolID]; ok {
		if u := p.user(username); u != nil {
			username = u.username
		}
	}
	var out []Message
	for _, m := range s.messages {
		if m.PoolID == poolID && m.Username == username {
			out = append(out, m)
		}
	}
	return out
}

// Code returns the code of the last message sent to a user, or "" when none was sent.
func (s *Server) Code(poolID, username string) string {
	sent := s.Sent(poolID, username)
	if len(sent) == 0 {
		return ""
	}
	return sent[len(sent)-1].Code
}

// mask hides most of an address the way CodeDeliveryDetails does: a***@e*** or +*******0123.
func mask(medium, destination string) string {
	if medium == "SMS" {
		if len(destination) <= 5 {
			return strings.Repeat("*", len(destination))
		}
		return destination[:1] + strings.Repeat("*", len(destination)-5) + destination[len(destination)-4:]
	}
	local, domain, ok := strings.Cut(destination, "@")
	if !ok || local == "" || domain == "" {
		return "***"
	}
	return local[:1] + "***@" + domain[:1] + "***"
}
