package cognitotest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

const maxCodeAttempts = 5

func adminResetUserPassword(s *Server, c *call, in *usernameInput) (any, *apiError) {
	p, u, err := s.poolUser(c, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.sendResetCode(p, u, "AdminResetUserPassword"); err != nil {
		return nil, err
	}
	u.status = StatusResetRequired
	u.password = ""
	u.modified = s.now()
	return map[string]any{}, nil
}

// sendResetCode sends the user a password-reset code to their verified contact, as
// AdminResetUserPassword and ForgotPassword do, and says where it went. A disabled user, one who
// never chose a password (Cognito wants a new temporary one instead) and one with no verified
// contact get no code.
func (s *Server) sendResetCode(p *pool, u *user, trigger string) (medium, attr string, _ *apiError) {
	if !u.enabled {
		return "", "", errUserDisabled()
	}
	if u.status == StatusForceChangePassword {
		return "", "", errCannotReset()
	}
	medium, attr, ok := p.recoveryContact(u)
	if !ok {
		return "", "", errNoVerifiedContact()
	}
	s.newCode(p, u, trigger, medium, attr)
	return medium, attr, nil
}

// newCode gives the user a fresh password-reset code and sends it.
func (s *Server) newCode(p *pool, u *user, trigger, medium, attr string) {
	u.code = newCode()
	u.codeExpires = s.now().Add(codeValidity)
	u.codeAttempted = 0
	s.send(p, u, trigger, medium, u.attrs[attr], u.code)
}

type adminSetUserPasswordInput struct {
	UserPoolId, Username, Password string
	Permanent                      bool
}

func adminSetUserPassword(s *Server, c *call, in *adminSetUserPasswordInput) (any, *apiError) {
	p, u, err := s.poolUser(c, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	if err := p.policy.check(in.Password); err != nil {
		return nil, err
	}
	u.password = in.Password
	u.code = ""
	u.status = StatusConfirmed
	if !in.Permanent {
		u.status = StatusForceChangePassword
		u.tempExpires = s.now().AddDate(0, 0, p.policy.tempValidity())
	}
	u.modified = s.now()
	return map[string]any{}, nil
}

func adminUserGlobalSignOut(s *Server, c *call, in *usernameInput) (any, *apiError) {
	p, u, err := s.poolUser(c, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	s.revokeTokens(p.id, u.username)
	return map[string]any{}, nil
}

// secretHash is the SECRET_HASH a client with a secret sends: HMAC-SHA256(secret, username+clientId).
func secretHash(secret, username, clientID string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(username + clientID))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// checkSecretHash answers whether a call from a client with a secret proves it knows it.
func (cl *client) checkSecretHash(username, hash string) *apiError {
	if cl.secret == "" {
		return nil
	}
	want := secretHash(cl.secret, username, cl.id)
	if !hmac.Equal([]byte(hash), []byte(want)) {
		return errf("NotAuthorizedException", "Unable to verify secret hash for client %s", cl.id)
	}
	return nil
}

type forgotPasswordInput struct {
	ClientId, Username, SecretHash string
}

func forgotPassword(s *Server, _ *call, in *forgotPasswordInput) (any, *apiError) {
	cl, p, err := s.client(in.ClientId)
	if err != nil {
		return nil, err
	}
	if in.Username == "" {
		return nil, errRequired("username")
	}
	if err := cl.checkSecretHash(in.Username, in.SecretHash); err != nil {
		return nil, err
	}
	u := p.user(in.Username)
	if u == nil {
		if cl.preventExistence {
			// Cognito pretends to have sent a code, so the answer does not tell who exists.
			return deliveryDetails("EMAIL", "email", in.Username+"@"), nil
		}
		return nil, errUserNotFound()
	}
	medium, attr, err := s.sendResetCode(p, u, "ForgotPassword")
	if err != nil {
		return nil, err
	}
	return deliveryDetails(medium, attr, u.attrs[attr]), nil
}

func deliveryDetails(medium, attr, destination string) map[string]any {
	return map[string]any{"CodeDeliveryDetails": map[string]string{
		"Destination": mask(medium, destination), "DeliveryMedium": medium, "AttributeName": attr,
	}}
}

type confirmForgotPasswordInput struct {
	ClientId, Username, ConfirmationCode, Password, SecretHash string
}

func confirmForgotPassword(s *Server, _ *call, in *confirmForgotPasswordInput) (any, *apiError) {
	cl, p, err := s.client(in.ClientId)
	if err != nil {
		return nil, err
	}
	for _, f := range [][2]string{{"username", in.Username}, {"confirmationCode", in.ConfirmationCode}, {"password", in.Password}} {
		if f[1] == "" {
			return nil, errRequired(f[0])
		}
	}
	if err := cl.checkSecretHash(in.Username, in.SecretHash); err != nil {
		return nil, err
	}
	errMismatch := errf("CodeMismatchException", "Invalid verification code provided, please try again.")
	u := p.user(in.Username)
	if u == nil {
		if cl.preventExistence {
			return nil, errMismatch
		}
		return nil, errUserNotFound()
	}
	switch {
	case u.code == "" || !s.now().Before(u.codeExpires):
		return nil, errf("ExpiredCodeException", "Invalid code provided, please request a code again.")
	case u.codeAttempted >= maxCodeAttempts:
		return nil, errf("LimitExceededException", "Attempt limit exceeded, please try after some time.")
	case !hmac.Equal([]byte(u.code), []byte(in.ConfirmationCode)):
		u.codeAttempted++
		return nil, errMismatch
	}
	if err := p.policy.check(in.Password); err != nil {
		return nil, err
	}
	u.password = in.Password
	u.status = StatusConfirmed
	u.code = ""
	u.modified = s.now()
	return map[string]any{}, nil
}
