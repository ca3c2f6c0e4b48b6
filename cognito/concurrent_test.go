package cognito_test

import (
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/cognito/cognitotest"
)

// TestLookupByOtherCapitalsReadsTheUsersGroups: a username typed in other capitals, in a pool
// that ignores them, finds the user and the groups of the user's own username.
func TestLookupByOtherCapitalsReadsTheUsersGroups(t *testing.T) {
	carol := user("Carol", "email", "carol@example.com")
	carol.Groups = []string{"support"}
	srv := cognitotest.New()
	t.Cleanup(srv.Close)
	srv.MustLoad(t, cognitotest.Seed{Pools: []cognitotest.SeedPool{{
		ID: poolID, Name: "prod", CaseInsensitive: true,
		Groups: []cognitotest.SeedGroup{{Name: "support"}},
		Users:  []cognitotest.SeedUser{carol},
	}}})
	c := client(t, srv, cognito.Options{})
	for _, ref := range []string{"Carol", "carol", "CAROL"} {
		u, err := c.Lookup(t.Context(), prod, ref)
		if err != nil {
			t.Fatalf("Lookup(%q): %v", ref, err)
		}
		if diff := cmp.Diff([]string{u.Username, u.Email}, []string{"Carol", "carol@example.com"}); diff != "" {
			t.Errorf("Lookup(%q) (-got +want):\n%s", ref, diff)
		}
		if diff := cmp.Diff(u.Groups, []string{"support"}); diff != "" {
			t.Errorf("Lookup(%q) groups (-got +want):\n%s", ref, diff)
		}
	}
}

// TestPoolDescribedOnceForCallersTogether: callers who all find the pool's description missing
// at once share one DescribeUserPool call, and all get its answer.
func TestPoolDescribedOnceForCallersTogether(t *testing.T) {
	srv := fake(t)
	srv.SetLatency(20 * time.Millisecond) // so that the callers overlap
	c := client(t, srv, cognito.Options{})
	const callers = 20
	got := make([]cognito.PasswordPolicy, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() { got[i], errs[i] = c.PasswordPolicy(t.Context(), prod) })
	}
	wg.Wait()
	want := cognito.PasswordPolicy{MinimumLength: 12, RequireUppercase: true, RequireLowercase: true,
		RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 3}
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if diff := cmp.Diff(got[i], want); diff != "" {
			t.Errorf("caller %d (-got +want):\n%s", i, diff)
		}
	}
	if n := srv.Calls("DescribeUserPool"); n != 1 {
		t.Errorf("DescribeUserPool called %d times, want 1", n)
	}
}
