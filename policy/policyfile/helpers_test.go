package policyfile

import (
	"os"
	"strings"
	"testing"

	"github.com/resetbot/resetbot/policy"
)

// mustParse parses a policy written in a test, failing the test when it is invalid.
func mustParse(t *testing.T, yaml string) *policy.Policy {
	t.Helper()
	p, err := Parse([]byte(strings.TrimLeft(yaml, "\n")), "policy.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

// decidePolicy is the policy the policy package's decisions are tested on: every rule feature.
var decidePolicy = func() string {
	b, err := os.ReadFile("../testdata/decide.yaml")
	if err != nil {
		panic(err)
	}
	return string(b)
}()
