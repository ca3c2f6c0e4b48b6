package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps the failures instead of failing the test.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

func (r *recorder) Fatal(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }

func TestAssert(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.golden")
	if err := os.WriteFile(path, []byte("one\ntwo\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	r := &recorder{TB: t}
	Assert(r, path, []byte("one\ntwo\n"))
	if len(r.failures) != 0 {
		t.Errorf("the same bytes failed: %q", r.failures)
	}

	r = &recorder{TB: t}
	Assert(r, path, []byte("one\nthree\n"))
	if len(r.failures) != 1 || !strings.Contains(r.failures[0], "two") || !strings.Contains(r.failures[0], "three") ||
		!strings.Contains(r.failures[0], "-update") {
		t.Errorf("a difference reported %q, want one failure showing it and naming -update", r.failures)
	}

	r = &recorder{TB: t}
	Assert(r, filepath.Join(t.TempDir(), "missing.golden"), []byte("x"))
	if len(r.failures) == 0 || !strings.Contains(r.failures[0], "-update") {
		t.Errorf("a missing file reported %q, want a failure naming -update", r.failures)
	}
}

func TestAssertUpdateWritesTheFile(t *testing.T) {
	*update = true
	t.Cleanup(func() { *update = false })
	path := filepath.Join(t.TempDir(), "new", "out.golden")
	r := &recorder{TB: t}
	Assert(r, path, []byte("fresh\n"))
	if len(r.failures) != 0 {
		t.Errorf("-update failed: %q", r.failures)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "fresh\n" {
		t.Errorf("-update wrote %q, %v; want %q", b, err, "fresh\n")
	}
}
