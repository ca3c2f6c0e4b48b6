package main

import (
	"log/slog"
	"math"
	"runtime/debug"
	"testing"
)

// TestMemoryLimit: RESETBOT_MEMORY_LIMIT_MIB sets the runtime's soft limit unless GOMEMLIMIT
// is set, which wins; 0 leaves none.
func TestMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	log := slog.New(slog.DiscardHandler)
	noEnv := func(string) string { return "" }

	debug.SetMemoryLimit(math.MaxInt64)
	if got := applyMemoryLimit(128, noEnv, log); got != 128<<20 || debug.SetMemoryLimit(-1) != 128<<20 {
		t.Errorf("RESETBOT_MEMORY_LIMIT_MIB=128: limit %d, runtime %d, want %d", got, debug.SetMemoryLimit(-1), 128<<20)
	}

	// GOMEMLIMIT was applied by the runtime at start; the setting does not override it.
	debug.SetMemoryLimit(300 << 20)
	gomemlimit := func(k string) string {
		if k == "GOMEMLIMIT" {
			return "300MiB"
		}
		return ""
	}
	if got := applyMemoryLimit(128, gomemlimit, log); got != 300<<20 {
		t.Errorf("with GOMEMLIMIT=300MiB: limit %d, want %d", got, 300<<20)
	}

	debug.SetMemoryLimit(math.MaxInt64)
	if got := applyMemoryLimit(0, noEnv, log); got != math.MaxInt64 {
		t.Errorf("RESETBOT_MEMORY_LIMIT_MIB=0: limit %d, want none", got)
	}
}
