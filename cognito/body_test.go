package cognito_test

import (
	"testing"

	"github.com/resetbot/resetbot/cognito"
)

// TestAnswersAreReadWhole: the SDK closes a request's body once the response's headers arrive,
// and net/http could still be reading it then, which closed the connection under the answer
// being read ("use of closed network connection"), and the SDK sent the call again. Every
// page of a long run of lookups is read at its first attempt.
func TestAnswersAreReadWhole(t *testing.T) {
	srv, _ := withManyGroups(t)
	c := client(t, srv, cognito.Options{})
	const lookups = 100
	for i := range lookups {
		if _, err := c.Lookup(t.Context(), prod, "many"); err != nil {
			t.Fatalf("lookup %d: %v", i+1, err)
		}
	}
	if got, want := srv.Calls("AdminListGroupsForUser"), 3*lookups; got != want {
		t.Errorf("AdminListGroupsForUser calls = %d, want %d: three pages a lookup, none sent twice", got, want)
	}
}
