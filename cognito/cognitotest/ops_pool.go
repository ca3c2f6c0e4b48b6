package cognitotest

import (
	"slices"
	"strings"
	"time"
)

// epoch is a timestamp in the AWS JSON shape: seconds since 1970, as a number.
func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

type accountRecovery struct {
	RecoveryMechanisms []recoveryOption `json:"RecoveryMechanisms"`
}

type createUserPoolInput struct {
	PoolName string
	Policies *struct {
		PasswordPolicy *passwordPolicy
	}
	AccountRecoverySetting *accountRecovery
	UsernameAttributes     []string
	UsernameConfiguration  *struct{ CaseSensitive *bool }
	AutoVerifiedAttributes []string
}

func createUserPool(s *Server, c *call, in *createUserPoolInput) (any, *apiError) {
	if in.PoolName == "" {
		return nil, errRequired("poolName")
	}
	region := c.region
	if region == "" {
		region = s.region
	}
	spec := poolSpec{
		name:          in.PoolName,
		usernameAttrs: in.UsernameAttributes,
		caseSensitive: true,
		autoVerified:  in.AutoVerifiedAttributes,
		policy:        defaultPasswordPolicy,
	}
	if in.Policies != nil && in.Policies.PasswordPolicy != nil {
		spec.policy = *in.Policies.PasswordPolicy
		if spec.policy.MinimumLength == 0 {
			spec.policy.MinimumLength = defaultPasswordPolicy.MinimumLength
		}
	}
	if in.AccountRecoverySetting != nil {
		spec.recovery = in.AccountRecoverySetting.RecoveryMechanisms
	}
	if in.UsernameConfiguration != nil && in.UsernameConfiguration.CaseSensitive != nil {
		spec.caseSensitive = *in.UsernameConfiguration.CaseSensitive
	}
	p, err := s.addPool(newPoolID(region), spec)
	if err != nil {
		return nil, err
	}
	return map[string]any{"UserPool": p.wire()}, nil
}

// poolSpec is what a new pool is made of, from CreateUserPool or a seed.
type poolSpec struct {
	name          string
	policy        passwordPolicy
	recovery      []recoveryOption
	usernameAttrs []string
	caseSensitive bool
	autoVerified  []string
}

var (
	recoveryNames      = []string{"verified_email", "verified_phone_number", "admin_only"}
	usernameAttributes = []string{"email", "phone_number"}
)

func (s *Server) addPool(id string, spec poolSpec) (*pool, *apiError) {
	if err := spec.policy.validate(); err != nil {
		return nil, err
	}
	for _, r := range spec.recovery {
		if !slices.Contains(recoveryNames, r.Name) || r.Priority < 1 || r.Priority > 2 {
			return nil, errInvalidParameter("Invalid account recovery mechanism %q with priority %d.", r.Name, r.Priority)
		}
	}
	if len(spec.recovery) > 2 {
		return nil, errInvalidParameter("At most two account recovery mechanisms are allowed.")
	}
	for _, a := range spec.usernameAttrs {
		if !slices.Contains(usernameAttributes, a) {
			return nil, errInvalidParameter("Invalid UsernameAttributes value %q.", a)
		}
	}
	if !poolIDPattern.MatchString(id) {
		return nil, errInvalidParameter("Invalid user pool id %q.", id)
	}
	if _, taken := s.pools[id]; taken {
		return nil, errInvalidParameter("User pool %s already exists.", id)
	}
	region, _, _ := cutLast(id, "_")
	now := s.now()
	p := &pool{
		id: id, name: spec.name, region: region, policy: spec.policy, recovery: spec.recovery,
		usernameAttrs: spec.usernameAttrs, caseSensitive: spec.caseSensitive, autoVerified: spec.autoVerified,
		created: now, modified: now, users: map[string]*user{}, groups: map[string]*group{},
	}
	s.pools[id] = p
	return p, nil
}

func cutLast(s, sep string) (before, after string, found bool) {
	for i := len(s) - len(sep); i >= 0; i-- {
		if s[i:i+len(sep)] == sep {
			return s[:i], s[i+len(sep):], true
		}
	}
	return s, "", false
}

func (p *pool) wire() map[string]any {
	out := map[string]any{
		"Id":                     p.id,
		"Name":                   p.name,
		"Arn":                    "arn:aws:cognito-idp:" + p.region + ":000000000000:userpool/" + p.id,
		"Policies":               map[string]any{"PasswordPolicy": p.policy},
		"CreationDate":           epoch(p.created),
		"LastModifiedDate":       epoch(p.modified),
		"EstimatedNumberOfUsers": len(p.users),
		"MfaConfiguration":       "OFF",
		"UsernameAttributes":     p.usernameAttrs,
		"UsernameConfiguration":  map[string]bool{"CaseSensitive": p.caseSensitive},
		"AdminCreateUserConfig":  map[string]any{"AllowAdminCreateUserOnly": false},
	}
	if len(p.recovery) > 0 {
		out["AccountRecoverySetting"] = accountRecovery{RecoveryMechanisms: p.recovery}
	}
	if len(p.autoVerified) > 0 {
		out["AutoVerifiedAttributes"] = p.autoVerified
	}
	return out
}

type describeUserPoolInput struct{ UserPoolId string }

func describeUserPool(s *Server, c *call, in *describeUserPoolInput) (any, *apiError) {
	p, err := s.pool(c, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return map[string]any{"UserPool": p.wire()}, nil
}

type createUserPoolClientInput struct {
	UserPoolId                 string
	ClientName                 string
	GenerateSecret             bool
	ExplicitAuthFlows          []string
	PreventUserExistenceErrors string
	AuthSessionValidity        int32
}

// clientSpec is what a new app client is made of, from CreateUserPoolClient or a seed.
type clientSpec struct {
	id, name, secret string
	authFlows        []string
	preventExistence string
	sessionMinutes   int32
}

var (
	authFlows = []string{
		"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
		"ALLOW_CUSTOM_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_AUTH",
	}
	defaultAuthFlows = []string{"ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"}
)

func createUserPoolClient(s *Server, c *call, in *createUserPoolClientInput) (any, *apiError) {
	p, err := s.pool(c, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if in.ClientName == "" {
		return nil, errRequired("clientName")
	}
	spec := clientSpec{
		name: in.ClientName, authFlows: in.ExplicitAuthFlows,
		preventExistence: in.PreventUserExistenceErrors, sessionMinutes: in.AuthSessionValidity,
	}
	if in.GenerateSecret {
		spec.secret = newClientSecret()
	}
	cl, err := s.addClient(p, spec)
	if err != nil {
		return nil, err
	}
	return map[string]any{"UserPoolClient": cl.wire()}, nil
}

func (s *Server) addClient(p *pool, spec clientSpec) (*client, *apiError) {
	for _, f := range spec.authFlows {
		if !slices.Contains(authFlows, f) {
			return nil, errInvalidParameter("Invalid ExplicitAuthFlows value %q.", f)
		}
	}
	if len(spec.authFlows) == 0 {
		spec.authFlows = defaultAuthFlows
	}
	prevent := false
	switch spec.preventExistence {
	case "", "LEGACY":
	case "ENABLED":
		prevent = true
	default:
		return nil, errInvalidParameter("Invalid PreventUserExistenceErrors value %q.", spec.preventExistence)
	}
	if spec.sessionMinutes == 0 {
		spec.sessionMinutes = defaultSessionMinutes
	}
	if spec.sessionMinutes < 3 || spec.sessionMinutes > 15 {
		return nil, errInvalidParameter("1 validation error detected: Value '%d' at 'authSessionValidity' failed to satisfy constraint: Member must have value between 3 and 15", spec.sessionMinutes)
	}
	if spec.id == "" {
		spec.id = newClientID()
	}
	if _, taken := s.clients[spec.id]; taken {
		return nil, errInvalidParameter("User pool client %s already exists.", spec.id)
	}
	cl := &client{
		id: spec.id, name: spec.name, secret: spec.secret, poolID: p.id, authFlows: spec.authFlows,
		preventExistence: prevent, sessionMinutes: int(spec.sessionMinutes), created: s.now(),
	}
	s.clients[cl.id] = cl
	return cl, nil
}

func (cl *client) wire() map[string]any {
	prevent := "LEGACY"
	if cl.preventExistence {
		prevent = "ENABLED"
	}
	out := map[string]any{
		"UserPoolId":                 cl.poolID,
		"ClientName":                 cl.name,
		"ClientId":                   cl.id,
		"ExplicitAuthFlows":          cl.authFlows,
		"PreventUserExistenceErrors": prevent,
		"AuthSessionValidity":        cl.sessionMinutes,
		"CreationDate":               epoch(cl.created),
		"LastModifiedDate":           epoch(cl.created),
	}
	if cl.secret != "" {
		out["ClientSecret"] = cl.secret
	}
	return out
}

// allows reports whether the client may use an auth flow, by its new name or its legacy one.
func (cl *client) allows(flow string) bool {
	if slices.Contains(cl.authFlows, "ALLOW_"+flow) || slices.Contains(cl.authFlows, flow) {
		return true
	}
	if flow == "REFRESH_TOKEN_AUTH" {
		// Clients configured with legacy flow names only can always refresh.
		return !slices.ContainsFunc(cl.authFlows, func(f string) bool { return strings.HasPrefix(f, "ALLOW_") })
	}
	return false
}
