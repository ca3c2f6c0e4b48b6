package policy_test

import (
	"os"
	"strings"
	"testing"

	"github.com/resetbot/resetbot/policy"
	"github.com/resetbot/resetbot/policy/policyfile"
)

// mustParse parses a policy written in a test, failing the test when it is invalid.
func mustParse(t *testing.T, yaml string) *policy.Policy {
	t.Helper()
	p, err := policyfile.Parse([]byte(strings.TrimLeft(yaml, "\n")), "policy.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

// decidePolicy is testdata/decide.yaml, which exercises every rule feature: the decide,
// approve and permitted tests use it.
var decidePolicy = func() string {
	b, err := os.ReadFile("testdata/decide.yaml")
	if err != nil {
		panic(err)
	}
	return string(b)
}()
