package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestRefusesBadFlags: a mistyped scenario or rate is refused before anything is built or run.
func TestRefusesBadFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-scenario", "soak"}, `-scenario "soak": not rate, burst, approvals or all`},
		{[]string{"-rate", "50,fast"}, `-rate "fast": not a positive number`},
		{[]string{"-rate", "-5"}, `-rate "-5": not a positive number`},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(tt.args, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q", tt.args, code, stderr.String(), tt.want)
		}
		if stdout.Len() != 0 {
			t.Errorf("%v: printed %q", tt.args, stdout.String())
		}
	}
}
