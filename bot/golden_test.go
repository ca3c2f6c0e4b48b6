package bot

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json with what the code renders now")

// golden compares v, as indented JSON, with testdata/<name>.golden.json.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got := goldenJSON(t, v)
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -run %s -update to create it)", err, t.Name())
	}
	if diff := cmp.Diff(string(got), string(want)); diff != "" {
		t.Errorf("%s differs (-got +want); rerun with -update if the change is meant:\n%s", path, diff)
	}
}

func goldenJSON(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatalf("encode %T: %v", v, err)
	}
	return b.Bytes()
}

// goldenName turns a subtest name into a file name.
func goldenName(parts ...string) string {
	return strings.NewReplacer(" ", "_", "/", "_").Replace(strings.Join(parts, "_"))
}
