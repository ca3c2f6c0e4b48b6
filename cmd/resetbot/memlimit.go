package main

import (
	"log/slog"
	"runtime/debug"
)

// applyMemoryLimit sets the Go runtime's soft memory limit to mib MiB, so that the garbage
// collector works harder before the process outgrows its container, unless GOMEMLIMIT is set
// in the environment (getenv), which the runtime has already applied and which wins. 0 sets
// none. It returns the limit in force, in bytes (math.MaxInt64 for none).
func applyMemoryLimit(mib int, getenv func(string) string, log *slog.Logger) int64 {
	if v := getenv("GOMEMLIMIT"); v != "" {
		limit := debug.SetMemoryLimit(-1)
		log.Info("memory limit from GOMEMLIMIT", "gomemlimit", v, "bytes", limit)
		return limit
	}
	if mib <= 0 {
		return debug.SetMemoryLimit(-1)
	}
	limit := int64(mib) << 20
	debug.SetMemoryLimit(limit)
	log.Debug("memory limit set", "mib", mib)
	return limit
}
