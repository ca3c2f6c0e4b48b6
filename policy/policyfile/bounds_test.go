package policyfile

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// hostilePolicies are files built to cost the parser or the checks far more than their size:
// each must be refused with a message, whatever the machine.
func hostilePolicies() []struct{ name, yaml, want string } {
	staircase := "pools:\n"
	for i := 1; i <= 30; i++ {
		staircase += strings.Repeat("  ", i) + "a:\n"
	}
	var manyRules strings.Builder
	manyRules.WriteString("pools: {prod: {id: eu-west-1_Prod1234}}\nrules:\n")
	for i := range MaxItems + 1 {
		fmt.Fprintf(&manyRules, "  - {name: r%d, actions: [status], requesters: [\"*\"]}\n", i)
	}
	var longList strings.Builder
	longList.WriteString("pools: {prod: {id: eu-west-1_Prod1234}}\nrules:\n  - name: r0\n    actions: [status]\n    requesters: [")
	for i := range 1000 {
		fmt.Fprintf(&longList, "U%07d, ", i)
	}
	longList.WriteString("]\n")
	return []struct{ name, yaml, want string }{
		{
			"flow lists nested 10,000 deep (20 KB)",
			"pools: " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n",
			"p.yaml:1:27: the file nests deeper than 20 levels; a policy file needs about seven",
		},
		{
			"block lists nested on one line",
			"pools:\n" + strings.Repeat("- ", 10000) + "x\n",
			"p.yaml:2:41: the file nests deeper than 20 levels; a policy file needs about seven",
		},
		{
			"mappings indented 30 deep",
			staircase,
			"p.yaml:21:41: the file nests deeper than 20 levels; a policy file needs about seven",
		},
		{
			"larger than 64 KiB",
			"pools:\n  prod: {id: eu-west-1_Prod1234}\n" + strings.Repeat("# padding\n", MaxFileSize/10),
			"p.yaml:1: the file is larger than 65536 bytes (64 KiB); a policy file is short",
		},
		{
			"more rules than a policy file allows",
			manyRules.String(),
			"p.yaml:3:3: rules: has 201 entries; a policy file allows at most 200 in one list or mapping",
		},
		{
			"a list longer than a policy file allows",
			longList.String(),
			"p.yaml:5:17: rules[0].requesters: has 1000 entries; a policy file allows at most 200 in one list or mapping",
		},
	}
}

func TestParseRefusesHostileFiles(t *testing.T) {
	for _, tt := range hostilePolicies() {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), "p.yaml")
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("Parse() error = %v, want an ErrorList", err)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("Parse() error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReloadRefusesHostileFiles: a SIGHUP with such a file keeps the policy in force.
func TestReloadRefusesHostileFiles(t *testing.T) {
	h, path, _ := newTestHolder(t, holderV2)
	before := h.Policy()
	for _, tt := range hostilePolicies() {
		if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		err := h.Reload()
		if want := "reload policy: " + strings.ReplaceAll(tt.want, "p.yaml", path); err == nil || err.Error() != want {
			t.Errorf("%s: Reload() error = %v, want %q", tt.name, err, want)
		}
		if h.Policy() != before {
			t.Fatalf("%s: replaced the policy in force", tt.name)
		}
	}
}

// sharedListsAtTheBounds is a valid file with the most rules, every one sharing the longest
// list through an alias: the costliest file for the never-reached check.
func sharedListsAtTheBounds() string {
	var b strings.Builder
	b.WriteString("pools: {prod: {id: eu-west-1_Prod1234}}\nworkspace: {teams: [T0TEAM1]}\nrules:\n")
	b.WriteString("  - name: r0\n    actions: [status]\n    requesters: &r [")
	for i := range MaxItems {
		fmt.Fprintf(&b, "U%07d, ", i)
	}
	b.WriteString("]\n")
	for i := 1; i < MaxItems; i++ {
		fmt.Fprintf(&b, "  - {name: r%d, actions: [status], requesters: *r}\n", i)
	}
	return b.String()
}

// TestSharedListsAtTheBounds: a valid file at the bounds, every rule sharing the longest list
// through an alias, is read and every rule after the first is reported as never reached.
func TestSharedListsAtTheBounds(t *testing.T) {
	p, err := Parse([]byte(sharedListsAtTheBounds()), "p.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	var want []Warning
	for i := 1; i < MaxItems; i++ {
		want = append(want, Warning{File: "p.yaml", Line: 6 + i, Rule: fmt.Sprintf("r%d", i), Message: `is never reached: rule "r0" (line 4) matches every request it would`})
	}
	if diff := cmp.Diff(want, Lint(p)); diff != "" {
		t.Errorf("Warnings() mismatch (-want +got):\n%s", diff)
	}
}

// BenchmarkParseHostile measures what the costliest files cost: a file nested 10,000 deep
// (refused before parsing), the valid file at the bounds and the 18 KB file of about 160,000
// errors.
func BenchmarkParseHostile(b *testing.B) {
	for _, f := range []struct{ name, yaml string }{
		{"nested-10000", hostilePolicies()[0].yaml},
		{"shared-lists-at-the-bounds", sharedListsAtTheBounds()},
		{"many-errors", manyErrorsPolicy()},
	} {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = Parse([]byte(f.yaml), "p.yaml")
			}
		})
	}
}
