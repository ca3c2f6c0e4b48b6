package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/resetbot/resetbot/approval"
)

// unavailableMessage is what a person is told when the database does not answer.
const unavailableMessage = "The bot's database is not answering right now; try again in a minute."

// wrap names the operation that failed and, when the database could not be reached (down,
// restarting, failing over, read-only during a failover), marks the error with a message fit
// for Slack, so the request is refused in plain words instead of "something went wrong".
func wrap(what string, err error) error {
	err = fmt.Errorf("postgres: %s: %w", what, err)
	if Unavailable(err) {
		return &approval.Error{Code: approval.EINTERNAL, Message: unavailableMessage, Err: err}
	}
	return err
}

// Unavailable reports whether err says the database could not be reached or cannot take
// writes now, rather than that a statement was wrong.
func Unavailable(err error) bool {
	var (
		pe  *pgconn.PgError
		ce  *pgconn.ConnectError
		ne  net.Error
		ope *net.OpError
	)
	switch {
	case errors.As(err, &pe):
		return strings.HasPrefix(pe.Code, "08") || // connection exception
			pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || // shutting down, starting
			pe.Code == "25006" || // read-only transaction: a writer became a reader in a failover
			pe.Code == "53300" || // too many connections
			pe.Code == "57014" // the statement timed out
	case errors.As(err, &ce), errors.As(err, &ope), errors.As(err, &ne):
		return true
	case errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, context.DeadlineExceeded):
		return true
	}
	return pgconn.Timeout(err)
}

// isUniqueViolation reports a duplicate primary key.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
