package main

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestProcessSecondServeOnOneSQLiteFileIsRefused starts `resetbot serve` twice on one SQLite
// file: the second exits at start and says why — the database is in use, by which process,
// and what to do — while the first keeps serving.
func TestProcessSecondServeOnOneSQLiteFileIsRefused(t *testing.T) {
	f := newFixture(t)
	first := startProcess(t, f)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	first.waitReady(t, ctx, f)

	second := exec.CommandContext(ctx, buildBinary(t), "serve")
	second.Env = f.environ()
	out, err := second.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitFail {
		t.Fatalf("the second serve ended with %v, want exit status %d:\n%s", err, exitFail, out)
	}
	f.assertNoSecrets(t, "the second process's output", string(out))
	for _, want := range []string{
		"resetbot cannot start",
		"the database is in use by another process",
		fmt.Sprintf("by process %d", first.cmd.Process.Pid),
		"one SQLite database serves one resetbot process",
		"PostgreSQL",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the second serve's output does not say %q:\n%s", want, out)
		}
	}
	if code, body := first.get(t, "/readyz"); code != 200 {
		t.Errorf("the first process after the second was refused: /readyz %d %s", code, body)
	}
	stopProcess(t, first)
}
