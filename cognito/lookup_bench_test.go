package cognito_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"

	"github.com/resetbot/resetbot/cognito"
)

// BenchmarkLookup measures what one lookup by username costs the bot's side: the user and
// their groups read at once, two SDK calls over HTTP (allocations and bytes per lookup; under
// load each is held for Cognito's latency). The server answers canned replies, so that its own
// cost stays out of the figures but for net/http's server side.
func BenchmarkLookup(b *testing.B) {
	replies := map[string]string{
		"AWSCognitoIdentityProviderService.AdminGetUser": `{"Username":"alice","Enabled":true,"UserStatus":"CONFIRMED",` +
			`"UserCreateDate":1.7e9,"UserLastModifiedDate":1.7e9,"UserAttributes":[` +
			`{"Name":"sub","Value":"00000000-0000-4000-8000-000000000001"},{"Name":"email","Value":"alice@example.com"},` +
			`{"Name":"email_verified","Value":"true"}]}`,
		"AWSCognitoIdentityProviderService.AdminListGroupsForUser": `{"Groups":[{"GroupName":"support","UserPoolId":"` + poolID + `"}]}`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		reply, ok := replies[r.Header.Get("X-Amz-Target")]
		if !ok {
			http.Error(w, `{"__type":"InvalidParameterException"}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = io.WriteString(w, reply)
	}))
	b.Cleanup(srv.Close)
	c := cognito.New(cfg(), cognito.Options{Endpoint: srv.URL, Retryer: noBackoff()})
	b.ReportAllocs()
	for b.Loop() {
		u, err := c.Lookup(b.Context(), prod, "alice")
		if err != nil || len(u.Groups) != 1 {
			b.Fatalf("Lookup = %+v, %v", u, err)
		}
	}
}

// BenchmarkLookupWaiting measures the goroutine stack a lookup by username holds while it
// waits for Cognito (stack-B/lookup): under load hundreds wait at once, and their stacks are
// memory the garbage collector scans. A lookup is two calls at once, one on the caller's
// goroutine and one on a goroutine of its own, each waiting in the SDK's middleware; the
// figure includes the test server's goroutine of each call.
func BenchmarkLookupWaiting(b *testing.B) {
	const waiting = 256
	var (
		release chan struct{}
		arrived sync.WaitGroup
	)
	srv := aliceServer(b, func() {
		arrived.Done()
		<-release
	})
	c := cognito.New(cfg(), cognito.Options{Endpoint: srv.URL, Retryer: noBackoff()})
	var stack uint64
	for b.Loop() {
		release = make(chan struct{})
		arrived.Add(2 * waiting)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var done sync.WaitGroup
		for range waiting {
			done.Go(func() {
				if _, err := c.Lookup(b.Context(), prod, "alice"); err != nil {
					b.Error(err)
				}
			})
		}
		arrived.Wait()
		runtime.ReadMemStats(&after)
		stack += after.StackInuse - before.StackInuse
		close(release)
		done.Wait()
	}
	b.ReportMetric(float64(stack)/float64(b.N*waiting), "stack-B/lookup")
}
