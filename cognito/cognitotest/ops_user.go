package cognitotest

import (
	"encoding/base64"
	"slices"
	"strings"
)

type attribute struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// standardAttributes are the attributes every pool has; others must be custom:name.
var standardAttributes = []string{
	"address", "birthdate", "email", "email_verified", "family_name", "gender", "given_name", "locale",
	"middle_name", "name", "nickname", "phone_number", "phone_number_verified", "picture",
	"preferred_username", "profile", "sub", "updated_at", "website", "zoneinfo",
}

// checkAttributes answers whether Cognito would take these attributes from a caller.
func checkAttributes(attrs []attribute) *apiError {
	for _, a := range attrs {
		switch {
		case a.Name == "sub":
			return errInvalidParameter("Cannot modify the non-mutable attribute sub.")
		case strings.HasPrefix(a.Name, "custom:") && len(a.Name) > len("custom:"):
		case !slices.Contains(standardAttributes, a.Name):
			return errInvalidParameter("Attributes did not conform to the schema: Type for attribute {%s} could not be determined", a.Name)
		}
		if strings.HasSuffix(a.Name, "_verified") && a.Value != "true" && a.Value != "false" {
			return errInvalidParameter("Invalid value %q for attribute %s: must be true or false.", a.Value, a.Name)
		}
	}
	return nil
}

// attributes lists the user's attributes named in only, or all of them when only is nil (a
// ListUsers call without AttributesToGet); an empty only names none.
func (u *user) attributes(only []string) []attribute {
	out := make([]attribute, 0, len(u.attrs))
	for k, v := range u.attrs {
		if only == nil || slices.Contains(only, k) {
			out = append(out, attribute{Name: k, Value: v})
		}
	}
	slices.SortFunc(out, func(a, b attribute) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// wire is the UserType shape of ListUsers and AdminCreateUser.
func (u *user) wire(only []string) map[string]any {
	return map[string]any{
		"Username":             u.username,
		"Attributes":           u.attributes(only),
		"UserCreateDate":       epoch(u.created),
		"UserLastModifiedDate": epoch(u.modified),
		"Enabled":              u.enabled,
		"UserStatus":           u.status,
	}
}

type adminCreateUserInput struct {
	UserPoolId             string
	Username               string
	UserAttributes         []attribute
	TemporaryPassword      string
	MessageAction          string
	DesiredDeliveryMediums []string
}

func adminCreateUser(s *Server, c *call, in *adminCreateUserInput) (any, *apiError) {
	p, err := s.pool(c, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if in.Username == "" {
		return nil, errRequired("username")
	}
	if err := checkAttributes(in.UserAttributes); err != nil {
		return nil, err
	}
	var u *user
	switch in.MessageAction {
	case "RESEND":
		if u = p.user(in.Username); u == nil {
			return nil, errUserNotFound()
		}
		if u.status != StatusForceChangePassword {
			return nil, errf("UnsupportedUserStateException", "Resend not possible. %s status is not FORCE_CHANGE_PASSWORD", u.username)
		}
	case "", "SUPPRESS":
		username, aliasAttr, err := p.newUsername(in.Username)
		if err != nil {
			return nil, err
		}
		if p.user(in.Username) != nil || p.users[p.key(username)] != nil {
			return nil, errf("UsernameExistsException", "User account already exists")
		}
		now := s.now()
		u = &user{username: username, attrs: map[string]string{}, status: StatusForceChangePassword, enabled: true, created: now, modified: now}
		for _, a := range in.UserAttributes {
			u.attrs[a.Name] = a.Value
		}
		if aliasAttr != "" {
			u.attrs[aliasAttr] = in.Username
			u.attrs["sub"] = username
		} else {
			u.attrs["sub"] = newUUID()
		}
	default:
		return nil, errInvalidParameter("1 validation error detected: Value '%s' at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]", in.MessageAction)
	}
	password := in.TemporaryPassword
	if password == "" {
		password = newTemporaryPassword(p.policy)
	} else if err := p.policy.check(password); err != nil {
		return nil, err
	}
	if in.MessageAction != "SUPPRESS" {
		if err := s.invite(p, u, password, in.DesiredDeliveryMediums); err != nil {
			return nil, err
		}
	}
	u.password = password
	u.tempExpires = s.now().AddDate(0, 0, p.policy.tempValidity())
	p.users[p.key(u.username)] = u
	return map[string]any{"User": u.wire(nil)}, nil
}

// newUsername returns the username a new user gets: the one asked for, or, in a pool where
// people sign in with their email or phone number, a fresh sub (with the attribute it came from).
func (p *pool) newUsername(asked string) (username, aliasAttr string, err *apiError) {
	if len(p.usernameAttrs) == 0 {
		return asked, "", nil
	}
	for _, a := range p.usernameAttrs {
		if (a == "email" && strings.Contains(asked, "@")) || (a == "phone_number" && strings.HasPrefix(asked, "+")) {
			return newUUID(), a, nil
		}
	}
	return "", "", errInvalidParameter("Username should be either an email or a phone number.")
}

// invite sends the invitation with the temporary password by every medium asked for.
func (s *Server) invite(p *pool, u *user, password string, mediums []string) *apiError {
	if len(mediums) == 0 {
		mediums = []string{"SMS"}
	}
	sent := false
	for _, m := range mediums {
		attr := map[string]string{"SMS": "phone_number", "EMAIL": "email"}[m]
		if attr == "" {
			return errInvalidParameter("Invalid DesiredDeliveryMediums value %q.", m)
		}
		if dest := u.attrs[attr]; dest != "" {
			s.send(p, u, "AdminCreateUser", m, dest, password)
			sent = true
		}
	}
	if !sent {
		return errInvalidParameter("User has no attribute matching desired delivery mediums")
	}
	return nil
}

func adminGetUser(s *Server, c *call, in *usernameInput) (any, *apiError) {
	_, u, err := s.poolUser(c, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"Username":             u.username,
		"UserAttributes":       u.attributes(nil),
		"UserCreateDate":       epoch(u.created),
		"UserLastModifiedDate": epoch(u.modified),
		"Enabled":              u.enabled,
		"UserStatus":           u.status,
	}, nil
}

type listUsersInput struct {
	UserPoolId      string
	AttributesToGet []string
	Filter          string
	Limit           *int32
	PaginationToken string
}

func listUsers(s *Server, c *call, in *listUsersInput) (any, *apiError) {
	p, err := s.pool(c, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	limit, err := pageLimit(in.Limit)
	if err != nil {
		return nil, err
	}
	f, perr := parseFilter(in.Filter)
	if perr != nil {
		return nil, errInvalidParameter("Error while parsing filter.")
	}
	var matched []*user
	for _, u := range p.sortedUsers() {
		if f.match(u) {
			matched = append(matched, u)
		}
	}
	page, next, err := paginate(matched, in.PaginationToken, limit, func(u *user) string { return u.username })
	if err != nil {
		return nil, err
	}
	users := make([]map[string]any, len(page))
	for i, u := range page {
		users[i] = u.wire(in.AttributesToGet)
	}
	out := map[string]any{"Users": users}
	if next != "" {
		out["PaginationToken"] = next
	}
	return out, nil
}

func pageLimit(limit *int32) (int, *apiError) {
	if limit == nil || *limit == 0 {
		return maxPageSize, nil
	}
	if *limit < 0 {
		return 0, errInvalidParameter("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 0", *limit)
	}
	if *limit > maxPageSize {
		return 0, errInvalidParameter("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to %d", *limit, maxPageSize)
	}
	return int(*limit), nil
}

// paginate returns the page of items after token (items are sorted by key) and the next token.
func paginate[T any](items []T, token string, limit int, key func(T) string) ([]T, string, *apiError) {
	start := 0
	if token != "" {
		after, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return nil, "", errInvalidParameter("Invalid pagination token.")
		}
		start = len(items)
		for i, it := range items {
			if key(it) > string(after) {
				start = i
				break
			}
		}
	}
	end := min(start+limit, len(items))
	next := ""
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte(key(items[end-1])))
	}
	return items[start:end], next, nil
}

type adminUpdateUserAttributesInput struct {
	UserPoolId     string
	Username       string
	UserAttributes []attribute
}

func adminUpdateUserAttributes(s *Server, c *call, in *adminUpdateUserAttributesInput) (any, *apiError) {
	_, u, err := s.poolUser(c, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if len(in.UserAttributes) == 0 {
		return nil, errRequired("userAttributes")
	}
	if err := checkAttributes(in.UserAttributes); err != nil {
		return nil, err
	}
	given := map[string]bool{}
	for _, a := range in.UserAttributes {
		given[a.Name] = true
	}
	for _, a := range in.UserAttributes {
		// A changed address is not verified unless the same call says it is.
		for attr, verified := range map[string]string{"email": "email_verified", "phone_number": "phone_number_verified"} {
			if a.Name == attr && u.attrs[attr] != a.Value && !given[verified] {
				u.attrs[verified] = "false"
			}
		}
		u.attrs[a.Name] = a.Value
	}
	u.modified = s.now()
	return map[string]any{}, nil
}

type usernameInput struct{ UserPoolId, Username string }

func adminDisableUser(s *Server, c *call, in *usernameInput) (any, *apiError) {
	p, u, err := s.poolUser(c, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	u.enabled = false
	u.modified = s.now()
	s.revokeTokens(p.id, u.username)
	return map[string]any{}, nil
}

func adminEnableUser(s *Server, c *call, in *usernameInput) (any, *apiError) {
	_, u, err := s.poolUser(c, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	u.enabled = true
	u.modified = s.now()
	return map[string]any{}, nil
}
