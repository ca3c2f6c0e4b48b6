package policyfile

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// manyErrorsPolicy is an 18 KB file with about 160,000 errors: a list of 200 wrong values
// behind an alias that 200 rules use in five fields.
func manyErrorsPolicy() string { return sharedWrongPolicy(MaxItems, MaxItems) }

// sharedWrongPolicy is a file whose list of values wrong values is behind an alias that rules
// rules use in five fields.
func sharedWrongPolicy(values, rules int) string {
	var b strings.Builder
	b.WriteString("pools: {prod: {id: eu-west-1_Prod1234}}\nwrong: &wrong [")
	for i := range values {
		fmt.Fprintf(&b, "w%d, ", i)
	}
	b.WriteString("]\nrules:\n")
	for i := range rules {
		fmt.Fprintf(&b, "  - {name: r%d, actions: *wrong, requesters: *wrong, approvers: *wrong, pools: *wrong, target_groups: *wrong}\n", i)
	}
	return b.String()
}

// TestErrorListShowsTheFirstHundred: however many errors a file has, the message shows the
// first MaxShown, one a line, and counts the rest in one more line; past MaxKept errors the
// file is read no further and the count says "more than".
func TestErrorListShowsTheFirstHundred(t *testing.T) {
	yaml := manyErrorsPolicy()
	_, err := Parse([]byte(yaml), "p.yaml")
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Parse() error = %v, want an ErrorList", err)
	}
	if !list.Truncated() || len(list) != MaxKept+1 {
		t.Fatalf("the %d-byte file gave %d errors, want the first %d of far more", len(yaml), len(list), MaxKept+1)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != MaxShown+1 {
		t.Fatalf("the message has %d lines, want %d", len(lines), MaxShown+1)
	}
	for i, e := range list[:MaxShown] {
		if lines[i] != e.Error() {
			t.Errorf("line %d = %q, want the list's error %d, %q", i+1, lines[i], i+1, e.Error())
		}
	}
	if want := "... and more than 900 more problems"; lines[MaxShown] != want {
		t.Errorf("last line = %q, want %q", lines[MaxShown], want)
	}
}

func TestErrorListAtTheCap(t *testing.T) {
	list := func(n int) ErrorList {
		l := make(ErrorList, n)
		for i := range l {
			l[i] = &Error{File: "p.yaml", Line: i + 1, Msg: "wrong"}
		}
		return l
	}
	tests := []struct {
		n        int
		lines    int
		lastLine string
		count    string
	}{
		{1, 1, "p.yaml:1: wrong", "1 error"},
		{MaxShown, MaxShown, fmt.Sprintf("p.yaml:%d: wrong", MaxShown), "100 errors"},
		{MaxShown + 1, MaxShown + 1, "... and 1 more problem", "101 errors"},
		{MaxShown + 2, MaxShown + 1, "... and 2 more problems", "102 errors"},
		{MaxKept, MaxShown + 1, "... and 900 more problems", "1,000 errors"},
		{MaxKept + 1, MaxShown + 1, "... and more than 900 more problems", "more than 1,000 errors"},
	}
	for _, tt := range tests {
		l := list(tt.n)
		lines := strings.Split(l.Error(), "\n")
		if len(lines) != tt.lines || lines[len(lines)-1] != tt.lastLine {
			t.Errorf("%d errors: %d lines ending %q, want %d ending %q", tt.n, len(lines), lines[len(lines)-1], tt.lines, tt.lastLine)
		}
		if got := l.Count(); got != tt.count {
			t.Errorf("%d errors: Count() = %q, want %q", tt.n, got, tt.count)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 159900: "159,900", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
