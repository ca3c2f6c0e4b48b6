package policyfile

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// manyErrorsPolicy is an 18 KB file with about 160,000 errors: a list of 200 wrong values
// behind an alias that 200 rules use in five fields.
func manyErrorsPolicy() string {
	var b strings.Builder
	b.WriteString("pools: {prod: {id: eu-west-1_Prod1234}}\nwrong: &wrong [")
	for i := range MaxItems {
		fmt.Fprintf(&b, "w%d, ", i)
	}
	b.WriteString("]\nrules:\n")
	for i := range MaxItems {
		fmt.Fprintf(&b, "  - {name: r%d, actions: *wrong, requesters: *wrong, approvers: *wrong, pools: *wrong, target_groups: *wrong}\n", i)
	}
	return b.String()
}

// TestErrorListShowsTheFirstHundred: however many errors a file has, the message shows the
// first MaxShown, one a line, and counts the rest in one more line.
func TestErrorListShowsTheFirstHundred(t *testing.T) {
	yaml := manyErrorsPolicy()
	_, err := Parse([]byte(yaml), "p.yaml")
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Parse() error = %v, want an ErrorList", err)
	}
	if len(list) < 100*MaxShown {
		t.Fatalf("the %d-byte file gave %d errors; the test wants a file that gives far more than %d", len(yaml), len(list), MaxShown)
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
	if want := "... and " + thousands(len(list)-MaxShown) + " more problems"; lines[MaxShown] != want {
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
	}{
		{1, 1, "p.yaml:1: wrong"},
		{MaxShown, MaxShown, fmt.Sprintf("p.yaml:%d: wrong", MaxShown)},
		{MaxShown + 1, MaxShown + 1, "... and 1 more problem"},
		{MaxShown + 2, MaxShown + 1, "... and 2 more problems"},
	}
	for _, tt := range tests {
		lines := strings.Split(list(tt.n).Error(), "\n")
		if len(lines) != tt.lines || lines[len(lines)-1] != tt.lastLine {
			t.Errorf("%d errors: %d lines ending %q, want %d ending %q", tt.n, len(lines), lines[len(lines)-1], tt.lines, tt.lastLine)
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
