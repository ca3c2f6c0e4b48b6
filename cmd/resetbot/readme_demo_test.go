package main

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEOpensWithTheDemo holds the README's opening to the demo: its first command is
// `go run ./cmd/resetbot demo`, the screenshot it shows is the one the browser test writes,
// and the commands table lists the demo with its flags.
func TestREADMEOpensWithTheDemo(t *testing.T) {
	readme := readFile(t, "../../README.md")
	first := ""
	for line := range strings.SplitSeq(readme, "\n") {
		if cmd, ok := strings.CutPrefix(line, "    "); ok && strings.HasPrefix(cmd, "go run") {
			first = cmd
			break
		}
	}
	if first != "go run ./cmd/resetbot demo" {
		t.Errorf("the README's first command is %q, want go run ./cmd/resetbot demo", first)
	}
	if !strings.Contains(readme, "]("+strings.TrimPrefix(screenshotPath, "../../")+")") {
		t.Errorf("the README does not show %s", screenshotPath)
	}
	if _, err := os.Stat(screenshotPath); err != nil {
		t.Errorf("the README's screenshot: %v", err)
	}
	commands := readmeSection(t, "Commands")
	for _, flag := range []string{"resetbot demo", "-addr", "-policy", "-v"} {
		if !strings.Contains(commands, flag) {
			t.Errorf("the README's Commands table does not name %q", flag)
		}
	}
}
