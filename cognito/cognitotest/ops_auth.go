package cognitotest

import (
	"encoding/json"
	"maps"
)

type initiateAuthInput struct {
	AuthFlow       string
	ClientId       string
	AuthParameters map[string]string
}

func initiateAuth(s *Server, _ *call, in *initiateAuthInput) (any, *apiError) {
	cl, p, err := s.client(in.ClientId)
	if err != nil {
		return nil, err
	}
	switch in.AuthFlow {
	case "":
		return nil, errRequired("authFlow")
	case "USER_PASSWORD_AUTH":
		if !cl.allows("USER_PASSWORD_AUTH") {
			return nil, errInvalidParameter("USER_PASSWORD_AUTH flow not enabled for this client")
		}
		return s.passwordAuth(cl, p, in.AuthParameters)
	case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN":
		if !cl.allows("REFRESH_TOKEN_AUTH") {
			return nil, errInvalidParameter("REFRESH_TOKEN_AUTH flow not enabled for this client")
		}
		return s.refreshAuth(cl, p, in.AuthParameters)
	default:
		return nil, errInvalidParameter("Auth flow %s is not served here: use USER_PASSWORD_AUTH or REFRESH_TOKEN_AUTH.", in.AuthFlow)
	}
}

func (s *Server) passwordAuth(cl *client, p *pool, params map[string]string) (any, *apiError) {
	username, password := params["USERNAME"], params["PASSWORD"]
	if username == "" {
		return nil, errInvalidParameter("Missing required parameter USERNAME")
	}
	if password == "" {
		return nil, errInvalidParameter("Missing required parameter PASSWORD")
	}
	if err := cl.checkSecretHash(username, params["SECRET_HASH"]); err != nil {
		return nil, err
	}
	u := p.user(username)
	switch {
	case u == nil && cl.preventExistence:
		return nil, errIncorrectCredentials()
	case u == nil:
		return nil, errUserNotFound()
	case !u.enabled:
		return nil, errUserDisabled()
	case u.status == StatusResetRequired:
		return nil, errf("PasswordResetRequiredException", "Password reset required for the user")
	case u.password == "" || u.password != password:
		return nil, errIncorrectCredentials()
	case u.status == StatusUnconfirmed:
		return nil, errf("UserNotConfirmedException", "User is not confirmed.")
	case u.status == StatusForceChangePassword && !s.now().Before(u.tempExpires):
		return nil, errf("NotAuthorizedException", "Temporary password has expired and must be reset by an administrator.")
	case u.status == StatusForceChangePassword:
		return s.newPasswordChallenge(cl, p, u), nil
	}
	return map[string]any{"ChallengeParameters": map[string]string{}, "AuthenticationResult": s.issueTokens(cl, p, u, true)}, nil
}

func (s *Server) newPasswordChallenge(cl *client, p *pool, u *user) map[string]any {
	id := newSession()
	s.sessions[id] = &session{
		poolID: p.id, clientID: cl.id, username: u.username, challenge: "NEW_PASSWORD_REQUIRED",
		expires: s.now().Add(minutes(cl.sessionMinutes)),
	}
	attrs := maps.Clone(u.attrs)
	delete(attrs, "sub")
	userAttributes, _ := json.Marshal(attrs)
	return map[string]any{
		"ChallengeName": "NEW_PASSWORD_REQUIRED",
		"Session":       id,
		"ChallengeParameters": map[string]string{
			"USER_ID_FOR_SRP":    u.username,
			"requiredAttributes": "[]",
			"userAttributes":     string(userAttributes),
		},
	}
}

func (s *Server) refreshAuth(cl *client, p *pool, params map[string]string) (any, *apiError) {
	token := params["REFRESH_TOKEN"]
	if token == "" {
		return nil, errInvalidParameter("Missing required parameter REFRESH_TOKEN")
	}
	t, ok := s.refreshes[token]
	if !ok || t.poolID != p.id || t.clientID != cl.id || !s.now().Before(t.expires) {
		return nil, errf("NotAuthorizedException", "Invalid Refresh Token")
	}
	if t.revoked {
		return nil, errf("NotAuthorizedException", "Refresh Token has been revoked")
	}
	u := p.user(t.username)
	if u == nil {
		return nil, errf("NotAuthorizedException", "Invalid Refresh Token")
	}
	if !u.enabled {
		return nil, errUserDisabled()
	}
	return map[string]any{"ChallengeParameters": map[string]string{}, "AuthenticationResult": s.issueTokens(cl, p, u, false)}, nil
}

// issueTokens signs the user in. The tokens are opaque: the fake issues no JWTs.
func (s *Server) issueTokens(cl *client, p *pool, u *user, withRefresh bool) map[string]any {
	out := map[string]any{
		"AccessToken": newToken(),
		"IdToken":     newToken(),
		"ExpiresIn":   int(tokenValidity.Seconds()),
		"TokenType":   "Bearer",
	}
	if withRefresh {
		rt := newToken()
		s.refreshes[rt] = &refreshToken{poolID: p.id, clientID: cl.id, username: u.username, expires: s.now().Add(refreshValidity)}
		out["RefreshToken"] = rt
	}
	return out
}

type respondToAuthChallengeInput struct {
	ClientId           string
	ChallengeName      string
	Session            string
	ChallengeResponses map[string]string
}

func respondToAuthChallenge(s *Server, _ *call, in *respondToAuthChallengeInput) (any, *apiError) {
	cl, p, err := s.client(in.ClientId)
	if err != nil {
		return nil, err
	}
	if in.ChallengeName == "" {
		return nil, errRequired("challengeName")
	}
	if in.ChallengeName != "NEW_PASSWORD_REQUIRED" {
		return nil, errInvalidParameter("Challenge %s is not served here: only NEW_PASSWORD_REQUIRED is.", in.ChallengeName)
	}
	if in.Session == "" {
		return nil, errInvalidParameter("Missing required parameter Session")
	}
	username := in.ChallengeResponses["USERNAME"]
	if username == "" {
		return nil, errInvalidParameter("Missing required parameter USERNAME")
	}
	invalid := errf("NotAuthorizedException", "Invalid session for the user.")
	sess, ok := s.sessions[in.Session]
	if !ok || sess.clientID != cl.id || sess.challenge != in.ChallengeName {
		return nil, invalid
	}
	if !s.now().Before(sess.expires) {
		delete(s.sessions, in.Session)
		return nil, errf("NotAuthorizedException", "Invalid session for the user, session is expired.")
	}
	u := p.user(username)
	if u == nil || u.username != sess.username || u.status != StatusForceChangePassword {
		return nil, invalid
	}
	if err := cl.checkSecretHash(username, in.ChallengeResponses["SECRET_HASH"]); err != nil {
		return nil, err
	}
	newPassword := in.ChallengeResponses["NEW_PASSWORD"]
	if newPassword == "" {
		return nil, errInvalidParameter("Missing required parameter NEW_PASSWORD")
	}
	if err := p.policy.check(newPassword); err != nil {
		return nil, err
	}
	delete(s.sessions, in.Session)
	u.password = newPassword
	u.status = StatusConfirmed
	u.modified = s.now()
	return map[string]any{"ChallengeParameters": map[string]string{}, "AuthenticationResult": s.issueTokens(cl, p, u, true)}, nil
}
