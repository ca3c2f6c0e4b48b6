package cognito_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/cognito"
)

// TestCallsKeepWhatCognitoActsOn: with the middleware the bot does not need taken out, every
// call is still signed, carries its invocation id and attempt number (the same id on the
// attempt after a throttled one) and a User-Agent, and nothing of Lambda's trace.
func TestCallsKeepWhatCognitoActsOn(t *testing.T) {
	type seen struct {
		Target       string
		Signed       bool
		InvocationID string
		Attempt      string
		UserAgent    bool
		TraceID      string
	}
	var mu sync.Mutex
	var got []seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		target := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")
		mu.Lock()
		throttle := target == "AdminListGroupsForUser" && !slices.ContainsFunc(got, func(s seen) bool { return s.Target == target })
		got = append(got, seen{
			Target:       target,
			Signed:       strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
			InvocationID: r.Header.Get("Amz-Sdk-Invocation-Id"),
			Attempt:      strings.Split(r.Header.Get("Amz-Sdk-Request"), ";")[0],
			UserAgent:    strings.HasPrefix(r.Header.Get("User-Agent"), "aws-sdk-go-v2/"),
			TraceID:      r.Header.Get("X-Amzn-Trace-Id"),
		})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		switch {
		case throttle:
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"__type":"TooManyRequestsException","message":"Too many requests"}`)
		case target == "AdminGetUser":
			_, _ = io.WriteString(w, `{"Username":"alice","Enabled":true,"UserStatus":"CONFIRMED","UserAttributes":[`+
				`{"Name":"sub","Value":"00000000-0000-4000-8000-000000000001"}]}`)
		default:
			_, _ = io.WriteString(w, `{"Groups":[]}`)
		}
	}))
	t.Cleanup(srv.Close)
	t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "f")
	t.Setenv("_X_AMZN_TRACE_ID", "Root=1-00000000-000000000000000000000000")
	c := cognito.New(cfg(), cognito.Options{Endpoint: srv.URL, Retryer: noBackoff()})
	if _, err := c.Lookup(t.Context(), prod, "alice"); err != nil {
		t.Fatal(err)
	}
	// The user and their groups are read at once: in any order but the groups' two attempts'.
	slices.SortStableFunc(got, func(a, b seen) int { return strings.Compare(a.Target, b.Target) })
	if len(got) != 3 || got[0].InvocationID == "" || got[1].InvocationID == "" || got[0].InvocationID == got[1].InvocationID {
		t.Fatalf("calls %+v, want three, two calls with an invocation id each", got)
	}
	user, groups := got[0].InvocationID, got[1].InvocationID
	want := []seen{
		{"AdminGetUser", true, user, "attempt=1", true, ""},
		{"AdminListGroupsForUser", true, groups, "attempt=1", true, ""},
		{"AdminListGroupsForUser", true, groups, "attempt=2", true, ""},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("what Cognito received (-got +want):\n%s", diff)
	}
}
