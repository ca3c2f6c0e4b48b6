package cognitotest_test

import (
	"sync"
	"testing"
	"time"

	"github.com/resetbot/resetbot/cognito/cognitotest"
)

// clock is a settable clock for the server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

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
