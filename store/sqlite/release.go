package sqlite

import (
	"context"
	"fmt"
)

// ReleaseMemory gives back what the store's connections hold beyond what they need at the
// moment, for a process that has just fallen quiet after a busy period: the read pool's idle
// connections are closed (each holds its page cache, its copy of the schema and its prepared
// statements; the next read opens one again), and the writer's connection frees its page cache
// (PRAGMA shrink_memory) between two batches. Nothing is lost: the pages are read again from
// the file when needed.
func (s *DB) ReleaseMemory(ctx context.Context) error {
	s.rdb.SetMaxIdleConns(0) // closes the idle ones
	s.rdb.SetMaxIdleConns(readConns)
	done := make(chan error, 1)
	select {
	case s.shrink <- done:
	case <-s.quit:
		return errClosed
	case <-ctx.Done():
		return fmt.Errorf("sqlite: release memory: %w", ctx.Err())
	}
	if err := <-done; err != nil {
		return fmt.Errorf("sqlite: release memory: %w", err)
	}
	return nil
}

// shrinkWriter frees the writer connection's page cache; called by writeLoop alone.
func (s *DB) shrinkWriter() error {
	_, err := s.wdb.ExecContext(context.Background(), "PRAGMA shrink_memory")
	return err
}
