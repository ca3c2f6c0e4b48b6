// Package golden holds a test's output to a file checked in beside it (a golden file), and
// rewrites the file when the tests run with -update:
//
//	golden.Assert(t, filepath.Join("testdata", "card.golden.json"), got)
//
// go test ./pkg -update writes what the code produces now; review the diff and commit it.
// A package's tests import golden rather than declaring their own -update flag.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files with what the code produces now")

// Updating reports whether the tests run with -update: a test that writes a file people read
// (a screenshot) writes it only then, so that a test run leaves the tree as it found it.
func Updating() bool { return *update }

// Assert fails t when the file at path does not hold got, showing the difference. With -update
// it writes got to path first (creating its directory), so the test passes and the file is new.
func Assert(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run '%s' -update writes it)", err, t.Name())
	}
	if diff := cmp.Diff(string(got), string(want)); diff != "" {
		t.Errorf("%s differs (-got +want); if the change is meant, go test -run '%s' -update rewrites it:\n%s", path, t.Name(), diff)
	}
}
