package bot

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	goldenfile "github.com/resetbot/resetbot/internal/golden"
)

// golden compares v, as indented JSON, with testdata/<name>.golden.json.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	goldenfile.Assert(t, filepath.Join("testdata", name+".golden.json"), goldenJSON(t, v))
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
