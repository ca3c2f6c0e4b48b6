package cognitotest

import (
	"bytes"
	"testing"
	"time"
)

// FuzzParseSeed checks that no seed file makes the parser or the loader panic, and that a
// failed load leaves nothing behind.
func FuzzParseSeed(f *testing.F) {
	f.Add([]byte(`{"pools":[{"name":"p","users":[{"username":"a","password":"Abcdefgh1!","groups":["g"]}],"groups":[{"name":"g"}]}]}`))
	f.Add([]byte(`{"pools":[{"id":"eu-west-1_X","name":"p","accountRecovery":["verified_email"],"clients":[{"name":"c","secret":"s"}]}]}`))
	f.Add([]byte(`{"pools":[{"name":"p","passwordPolicy":{"minimumLength":99}}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		seed, err := ParseSeed(bytes.NewReader(data))
		if err != nil {
			return
		}
		s := newServer(config{region: "us-east-1", now: time.Now})
		if _, err := s.Load(seed); err != nil && (len(s.pools) != 0 || len(s.clients) != 0) {
			t.Fatalf("failed load left %d pools, %d clients", len(s.pools), len(s.clients))
		}
	})
}
