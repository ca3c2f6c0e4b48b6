package cognitotest

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// The user statuses Cognito reports.
const (
	StatusConfirmed           = "CONFIRMED"
	StatusForceChangePassword = "FORCE_CHANGE_PASSWORD"
	StatusResetRequired       = "RESET_REQUIRED"
	StatusUnconfirmed         = "UNCONFIRMED"
)

const (
	codeValidity          = time.Hour // a password-reset code
	defaultSessionMinutes = 3         // an auth challenge's session, unless the client says
	defaultTempValidDays  = 7         // a temporary password, unless the pool says
	tokenValidity         = time.Hour // an access or id token
	maxPageSize           = 60        // ListUsers and AdminListGroupsForUser
	refreshValidity       = 30 * 24 * time.Hour
)

var poolIDPattern = regexp.MustCompile(`^[\w-]+_[0-9a-zA-Z]+$`)

type pool struct {
	id, name      string
	region        string
	policy        passwordPolicy
	recovery      []recoveryOption // nil: the legacy order, SMS before email
	usernameAttrs []string         // "email", "phone_number": what users sign in with instead of a username
	caseSensitive bool
	autoVerified  []string
	created       time.Time
	modified      time.Time
	users         map[string]*user // by username (folded when not case-sensitive)
	groups        map[string]*group
}

type recoveryOption struct {
	Name     string `json:"Name"`
	Priority int    `json:"Priority"`
}

type client struct {
	id, name, secret string
	poolID           string
	authFlows        []string
	preventExistence bool // PreventUserExistenceErrors ENABLED
	sessionMinutes   int
	created          time.Time
}

type user struct {
	username      string
	attrs         map[string]string
	status        string
	enabled       bool
	password      string
	tempExpires   time.Time // when a temporary password stops working
	created       time.Time
	modified      time.Time
	code          string // the pending password-reset code
	codeExpires   time.Time
	codeAttempted int
}

type group struct {
	name, description, roleArn string
	precedence                 *int32
	created, modified          time.Time
	members                    map[string]bool // usernames
}

type session struct {
	poolID, clientID, username string
	challenge                  string
	expires                    time.Time
}

type refreshToken struct {
	poolID, clientID, username string
	expires                    time.Time
	revoked                    bool
}

// key is how a pool indexes a username.
func (p *pool) key(username string) string {
	if p.caseSensitive {
		return username
	}
	return strings.ToLower(username)
}

// user finds a user by username, sub, or the attribute users sign in with.
func (p *pool) user(ref string) *user {
	if u, ok := p.users[p.key(ref)]; ok {
		return u
	}
	for _, u := range p.users {
		if u.attrs["sub"] == ref {
			return u
		}
		for _, a := range p.usernameAttrs {
			if v := u.attrs[a]; v != "" && strings.EqualFold(v, ref) {
				return u
			}
		}
	}
	return nil
}

// sortedUsers lists users in a stable order, for pagination.
func (p *pool) sortedUsers() []*user {
	us := make([]*user, 0, len(p.users))
	for _, u := range p.users {
		us = append(us, u)
	}
	slices.SortFunc(us, func(a, b *user) int { return strings.Compare(a.username, b.username) })
	return us
}

// pool returns the pool the request names, as Cognito would find it from the request's region.
func (s *Server) pool(c *call, id string) (*pool, *apiError) {
	if id == "" {
		return nil, errRequired("userPoolId")
	}
	if !poolIDPattern.MatchString(id) {
		return nil, errInvalidParameter("1 validation error detected: Value '%s' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+", id)
	}
	p, ok := s.pools[id]
	if !ok || (c.region != "" && c.region != p.region) {
		return nil, errPoolNotFound(id)
	}
	return p, nil
}

// poolUser returns the pool and the user a request names.
func (s *Server) poolUser(c *call, poolID, username string) (*pool, *user, *apiError) {
	p, err := s.pool(c, poolID)
	if err != nil {
		return nil, nil, err
	}
	if username == "" {
		return nil, nil, errRequired("username")
	}
	u := p.user(username)
	if u == nil {
		return nil, nil, errUserNotFound()
	}
	return p, u, nil
}

// client returns the app client a public request names, and its pool.
func (s *Server) client(id string) (*client, *pool, *apiError) {
	if id == "" {
		return nil, nil, errRequired("clientId")
	}
	cl, ok := s.clients[id]
	if !ok {
		return nil, nil, errClientNotFound(id)
	}
	p, ok := s.pools[cl.poolID]
	if !ok {
		return nil, nil, errClientNotFound(id)
	}
	return cl, p, nil
}

// revokeTokens ends every session of the user, as AdminUserGlobalSignOut and AdminDisableUser do.
func (s *Server) revokeTokens(poolID, username string) {
	for _, t := range s.refreshes {
		if t.poolID == poolID && t.username == username {
			t.revoked = true
		}
	}
}

// recoveryContact is where Cognito sends the user a reset code: the first verified contact in
// the pool's recovery order, as a medium (EMAIL, SMS) and the attribute that holds it.
func (p *pool) recoveryContact(u *user) (medium, attr string, ok bool) {
	order := p.recovery
	if len(order) == 0 {
		order = []recoveryOption{{Name: "verified_phone_number", Priority: 1}, {Name: "verified_email", Priority: 2}}
	}
	order = slices.Clone(order)
	slices.SortStableFunc(order, func(a, b recoveryOption) int { return a.Priority - b.Priority })
	for _, o := range order {
		switch o.Name {
		case "verified_email":
			if u.attrs["email"] != "" && u.attrs["email_verified"] == "true" {
				return "EMAIL", "email", true
			}
		case "verified_phone_number":
			if u.attrs["phone_number"] != "" && u.attrs["phone_number_verified"] == "true" {
				return "SMS", "phone_number", true
			}
		}
	}
	return "", "", false
}

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }
