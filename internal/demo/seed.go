package demo

import (
	"maps"
	"slices"

	"github.com/resetbot/resetbot/cognito/cognitotest"
)

// demoPassword is every demo user's password: the demo shows what the bot does to a user,
// never signs anyone in with it.
const demoPassword = "Demo-password-1"

// demoUser is a Cognito user of every demo pool, in one of the states the bot must handle.
type demoUser struct {
	user  cognitotest.SeedUser
	admin bool // in the groups deny rules protect
	state string
}

// demoUsers are the users of every demo pool.
var demoUsers = []demoUser{
	{state: "confirmed, email verified: a reset goes through", user: cognitotest.SeedUser{
		Username: "alice", Attributes: map[string]string{"email": "alice@example.com", "email_verified": "true",
			"phone_number": "+15550100001", "phone_number_verified": "true"}}},
	{state: "no verified email or phone: a reset fails until the email is marked verified", user: cognitotest.SeedUser{
		Username: "bob", Attributes: map[string]string{"email": "bob@example.com", "email_verified": "false"}}},
	{state: "never signed in (FORCE_CHANGE_PASSWORD): a temporary password, not a reset", user: cognitotest.SeedUser{
		Username: "carol", Status: cognitotest.StatusForceChangePassword,
		Attributes: map[string]string{"email": "carol@example.com", "email_verified": "true"}}},
	{state: "in the admins group: a deny rule protects them", admin: true, user: cognitotest.SeedUser{
		Username: "dave", Attributes: map[string]string{"email": "dave@example.com", "email_verified": "true"}}},
	{state: "disabled", user: cognitotest.SeedUser{
		Username: "erin", Disabled: true, Attributes: map[string]string{"email": "erin@example.com", "email_verified": "true"}}},
	{state: "shares an email with grace: asking by email is ambiguous", user: cognitotest.SeedUser{
		Username: "frank", Attributes: map[string]string{"email": "shared@example.com", "email_verified": "true"}}},
	{state: "shares an email with frank", user: cognitotest.SeedUser{
		Username: "grace", Attributes: map[string]string{"email": "shared@example.com", "email_verified": "true"}}},
}

// Seed is the fake Cognito's content: every pool of the workspace with the demo users.
func (ws Workspace) Seed() cognitotest.Seed {
	var seed cognitotest.Seed
	for _, p := range ws.Pools {
		sp := cognitotest.SeedPool{ID: p.ID, Name: p.Name, AccountRecovery: []string{"verified_email", "verified_phone_number"}}
		for _, g := range ws.TargetGroups {
			sp.Groups = append(sp.Groups, cognitotest.SeedGroup{Name: g})
		}
		for _, du := range demoUsers {
			u := du.user
			u.Password = demoPassword
			u.Attributes = maps.Clone(u.Attributes)
			if du.admin {
				u.Groups = slices.Clone(ws.DenyGroups)
			}
			sp.Users = append(sp.Users, u)
		}
		seed.Pools = append(seed.Pools, sp)
	}
	return seed
}

// demoUserNamed returns the demo user with this username.
func demoUserNamed(username string) (demoUser, bool) {
	for _, du := range demoUsers {
		if du.user.Username == username {
			return du, true
		}
	}
	return demoUser{}, false
}
