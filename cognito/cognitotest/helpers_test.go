package cognitotest_test

import (
	"testing"
	"time"

	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/internal/fakeclock"
)

// clock is a settable clock for the server.
type clock = fakeclock.Clock

func newClock() *clock { return fakeclock.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)) }

const (
	poolID   = "us-east-1_Test1"
	clientID = "testclient0000000000000001"
)

// seeded starts a fake with one pool (poolID), one client (clientID) and these users.
func seeded(t *testing.T, users []cognitotest.SeedUser, opts ...cognitotest.Option) *cognitotest.Server {
	t.Helper()
	srv := cognitotest.New(opts...)
	t.Cleanup(srv.Close)
	srv.MustLoad(t, cognitotest.Seed{Pools: []cognitotest.SeedPool{{
		ID: poolID, Name: "test",
		AccountRecovery: []string{"verified_email", "verified_phone_number"},
		Clients:         []cognitotest.SeedClient{{ID: clientID, Name: "web"}},
		Groups:          []cognitotest.SeedGroup{{Name: "admins"}},
		Users:           users,
	}}})
	return srv
}

func verifiedUser(name string) cognitotest.SeedUser {
	return cognitotest.SeedUser{
		Username: name, Password: strongPass,
		Attributes: map[string]string{"email": name + "@example.com", "email_verified": "true"},
	}
}
