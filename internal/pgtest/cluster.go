package pgtest

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Cluster is a PostgreSQL cluster of one test's own, made by scripts/pg-cluster: the test may
// stop it abruptly and start it again without disturbing the tests that share the suite's.
type Cluster struct {
	URL string // the superuser's connection string
	dir string
}

// StartCluster starts a cluster for the test and removes it when the test ends. It skips (or
// fails under CI=true) where the suite's cluster is missing, as URL does.
func StartCluster(t testing.TB) *Cluster {
	t.Helper()
	URL(t)
	out := script(t, "start")
	c := &Cluster{}
	for line := range strings.Lines(out) {
		k, v, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "export "), "=")
		if !ok {
			continue
		}
		switch v = strings.Trim(v, "'"); k {
		case EnvURL:
			c.URL = v
		case EnvURL + "_DIR":
			c.dir = v
		}
	}
	if c.URL == "" || c.dir == "" {
		t.Fatalf("scripts/pg-cluster start printed no connection string:\n%s", out)
	}
	t.Cleanup(func() { script(t, "stop", c.dir) })
	return c
}

// Kill stops the server at once, as a crash or a failover would: open connections break.
func (c *Cluster) Kill(t testing.TB) {
	t.Helper()
	script(t, "kill", c.dir)
}

// Restart starts the killed server again on the same port.
func (c *Cluster) Restart(t testing.TB) {
	t.Helper()
	script(t, "restart", c.dir)
}

// script runs scripts/pg-cluster with args and returns what it printed on stdout.
func script(t testing.TB, args ...string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(file), "..", "..", "scripts", "pg-cluster")
	cmd := exec.Command(path, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("scripts/pg-cluster %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}
