package main

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/policy"
	"github.com/resetbot/resetbot/policy/policyfile"
)

// iamPolicy is an IAM policy document.
type iamPolicy struct {
	Version   string `json:"Version"`
	Statement []struct {
		Sid      string   `json:"Sid"`
		Effect   string   `json:"Effect"`
		Action   []string `json:"Action"`
		Resource []string `json:"Resource"`
	} `json:"Statement"`
}

// userPoolARN is the ARN of a Cognito user pool.
var userPoolARN = regexp.MustCompile(`^arn:aws:cognito-idp:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):userpool/(([a-z]{2}(?:-[a-z]+)+-\d)_[A-Za-z0-9]+)$`)

// TestIAMPolicyIsLeastPrivilege holds deploy/iam-policy.json to the IAM actions of every
// action (policy.ActionSpec) and the operations the cognito package can call, on the pools of
// the example policy and on nothing else.
func TestIAMPolicyIsLeastPrivilege(t *testing.T) {
	data, err := os.ReadFile("../../deploy/iam-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var doc iamPolicy
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("iam-policy.json: %v", err)
	}
	if doc.Version != "2012-10-17" {
		t.Errorf("Version %q, want 2012-10-17", doc.Version)
	}

	var actions, pools []string
	for _, st := range doc.Statement {
		if st.Effect != "Allow" {
			t.Errorf("statement %s: Effect %q, want Allow", st.Sid, st.Effect)
		}
		actions = append(actions, st.Action...)
		for _, r := range st.Resource {
			m := userPoolARN.FindStringSubmatch(r)
			if m == nil {
				t.Errorf("statement %s: resource %q is not a user pool ARN", st.Sid, r)
				continue
			}
			if m[1] != m[4] {
				t.Errorf("resource %q: region %s, but the pool id is in %s", r, m[1], m[4])
			}
			pools = append(pools, m[1]+" "+m[3])
		}
	}

	for _, spec := range policy.Specs() {
		for _, a := range spec.IAMActions() {
			if !slices.Contains(actions, a) {
				t.Errorf("action %s needs %s, which iam-policy.json does not allow", spec.Action, a)
			}
		}
	}
	var want []string
	for _, op := range cognito.Operations() {
		want = append(want, "cognito-idp:"+op)
	}
	if diff := cmp.Diff(slices.Sorted(slices.Values(actions)), slices.Sorted(slices.Values(want))); diff != "" {
		t.Errorf("IAM actions vs cognito.Operations() (-iam +code):\n%s", diff)
	}

	example, err := policyfile.Load(examplePolicy)
	if err != nil {
		t.Fatal(err)
	}
	var wantPools []string
	for _, p := range example.Pools() {
		wantPools = append(wantPools, p.Region+" "+p.ID)
	}
	if diff := cmp.Diff(slices.Sorted(slices.Values(pools)), slices.Sorted(slices.Values(wantPools))); diff != "" {
		t.Errorf("IAM resources vs the example policy's pools (-iam +policy):\n%s", diff)
	}
}
