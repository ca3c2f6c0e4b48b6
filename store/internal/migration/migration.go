// Package migration reads a store's numbered schema migrations from an embedded directory.
// Each backend applies them its own way (SQLite in immediate transactions, PostgreSQL under an
// advisory lock); to change a schema, add the next file, NNNN_what.sql, to the backend's
// migrations directory.
package migration

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Load lists the migrations in dir of fsys, in order. A file is named NNNN_what.sql, and the
// numbers run from 1 without a gap.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []Migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: name must be a positive number, '_', a name and .sql", e.Name())
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, Migration{Version: v, Name: e.Name(), SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: expected number %d", m.Name, i+1)
		}
	}
	return ms, nil
}

// NewerError is the refusal of a database whose schema a newer binary wrote.
type NewerError struct {
	Database, Known int
}

func (e *NewerError) Error() string {
	return fmt.Sprintf("the database's schema is at version %d, newer than this resetbot knows (%d): "+
		"it was written by a newer resetbot; run that version or newer", e.Database, e.Known)
}
