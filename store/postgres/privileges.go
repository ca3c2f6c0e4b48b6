package postgres

import (
	"context"
	"fmt"
	"strings"
)

// writes are the privileges the bot uses, per table.
var writes = []struct{ table, privileges string }{
	{"requests", "SELECT, INSERT, UPDATE"},
	{"events", "SELECT, INSERT"},
	{"envelope_claims", "SELECT, INSERT, UPDATE, DELETE"},
	{"heartbeat", "UPDATE"},
}

// CheckPrivileges says what the role lacks to run the bot: on a migrated database, the
// privileges on each table; before the first migration, the right to create tables, which
// Open needs to apply the migrations.
func (s *DB) CheckPrivileges(ctx context.Context) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var schema *string
	if err := s.pool.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return wrap("read the schema", err)
	}
	if schema == nil {
		return fmt.Errorf("the connection has no schema to use: none of the search_path exists")
	}
	var exists bool
	if err := s.pool.QueryRow(ctx, "SELECT to_regclass('requests') IS NOT NULL").Scan(&exists); err != nil {
		return wrap("read the schema", err)
	}
	if !exists {
		var create bool
		if err := s.pool.QueryRow(ctx, "SELECT has_schema_privilege(current_schema(), 'CREATE')").Scan(&create); err != nil {
			return wrap("read the privileges", err)
		}
		if !create {
			return fmt.Errorf("the role may not create tables in schema %s, which applying the migrations needs", *schema)
		}
		return nil
	}
	var missing []string
	for _, w := range writes {
		for p := range strings.SplitSeq(w.privileges, ", ") {
			var ok bool
			if err := s.pool.QueryRow(ctx, "SELECT has_table_privilege($1, $2)", w.table, p).Scan(&ok); err != nil {
				return wrap("read the privileges", err)
			}
			if !ok {
				missing = append(missing, p+" on "+w.table)
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the role lacks %s", strings.Join(missing, ", "))
	}
	return nil
}
