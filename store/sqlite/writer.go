package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// maxBatch bounds how many callers' writes one transaction commits.
const maxBatch = 256

// errClosed is the error of a write to a closed store.
var errClosed = errors.New("sqlite: the store is closed")

// writeOp is one caller's write: fn runs in the writer's transaction, and its result, or the
// commit's failure, goes back on done.
type writeOp struct {
	ctx  context.Context
	fn   func(tx *wtx) error
	done chan error
}

// write runs fn in the one writer's transaction, together with the writes of the callers
// waiting at the same time (group commit: one transaction and one sync to disk for all of
// them). fn runs under a savepoint: when it returns an error, what it wrote is undone and the
// others' writes still commit. write returns fn's error, or the commit's. Within the batch
// fn's statements run under the writer's own context: a caller giving up never interrupts the
// transaction others share; a caller whose ctx is done before its turn is skipped.
func (s *DB) write(ctx context.Context, fn func(tx *wtx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	op := &writeOp{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.ops <- op:
	case <-s.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-op.done
}

// writeLoop is the one writer: it takes the first waiting write, every other waiting one up
// to maxBatch, and commits them together, until the store is closed. Between batches it frees
// its connection's cache when ReleaseMemory asks.
func (s *DB) writeLoop() {
	defer close(s.stopped)
	batch := make([]*writeOp, 0, maxBatch)
	errs := make([]error, maxBatch)
	for {
		select {
		case op := <-s.ops:
			batch = append(batch[:0], op)
		case done := <-s.shrink:
			done <- s.shrinkWriter()
			continue
		case <-s.quit:
			return
		}
	more:
		for len(batch) < maxBatch {
			select {
			case op := <-s.ops:
				batch = append(batch, op)
			default:
				break more
			}
		}
		res := errs[:len(batch)]
		clear(res)
		s.commit(batch, res)
		for i, op := range batch {
			op.done <- res[i]
		}
		clear(batch)
	}
}

// commit runs a batch of writes in one transaction, each under a savepoint, and commits what
// succeeded. errs receives each write's result. A write alone in its batch (as every write is
// at a low rate) runs without a savepoint: when it fails, the transaction is rolled back.
func (s *DB) commit(batch []*writeOp, errs []error) {
	ctx := context.Background()
	begun, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		s.health.wrote(err)
		failAll(errs, fmt.Errorf("begin: %w", err))
		return
	}
	tx := &s.tx
	tx.Tx = begun
	clear(tx.stmts)
	if len(batch) == 1 {
		if errs[0] = batch[0].ctx.Err(); errs[0] == nil {
			errs[0] = batch[0].fn(tx)
		}
		if errs[0] != nil {
			s.health.wrote(errs[0])
			_ = tx.Rollback()
			return
		}
		s.finish(tx, errs)
		return
	}
	wrote := false
	for i, op := range batch {
		if err := op.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if err := s.runSavepoint(ctx, tx, op, &errs[i]); err != nil {
			_ = tx.Rollback()
			s.health.wrote(err)
			failAll(errs, err)
			return
		}
		wrote = wrote || errs[i] == nil
	}
	if !wrote {
		_ = tx.Rollback()
		return
	}
	s.finish(tx, errs)
}

// finish commits tx, giving the writes that succeeded in it the commit's failure if it fails.
func (s *DB) finish(tx *wtx, errs []error) {
	err := tx.Commit()
	s.health.wrote(err)
	if err != nil {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = fmt.Errorf("commit: %w", err)
			}
		}
	}
}

// runSavepoint runs one write under a savepoint, setting *result to its error and undoing what
// it wrote when it fails. The error returned is the savepoint's own: the transaction is then
// unusable.
func (s *DB) runSavepoint(ctx context.Context, tx *wtx, op *writeOp, result *error) error {
	if _, err := tx.stmt(s.st.savepoint).ExecContext(ctx); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	*result = op.fn(tx)
	if *result != nil {
		s.health.wrote(*result)
		if _, err := tx.stmt(s.st.rollbackTo).ExecContext(ctx); err != nil {
			// SQLite may have rolled the whole transaction back (a full disk): say why.
			return fmt.Errorf("%w (and the transaction is lost: %w)", *result, err)
		}
	}
	if _, err := tx.stmt(s.st.release).ExecContext(ctx); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

// wtx is the writer's transaction: the statements the writes of a batch run, each bound to the
// transaction once (sql.Tx.StmtContext makes a new statement at every call).
type wtx struct {
	*sql.Tx
	stmts map[*sql.Stmt]*sql.Stmt
}

// stmt is st bound to the transaction.
func (tx *wtx) stmt(st *sql.Stmt) *sql.Stmt {
	bound, ok := tx.stmts[st]
	if !ok {
		if tx.stmts == nil {
			tx.stmts = map[*sql.Stmt]*sql.Stmt{}
		}
		bound = tx.StmtContext(bg, st)
		tx.stmts[st] = bound
	}
	return bound
}

// failAll gives every write of a batch that has no error of its own the batch's error: none
// of them was committed.
func failAll(errs []error, err error) {
	for i := range errs {
		if errs[i] == nil {
			errs[i] = err
		}
	}
}
