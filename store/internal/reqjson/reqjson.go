// Package reqjson is how the SQL stores keep a request's body: the whole approval.Request as
// JSON, beside the columns their queries filter on. A field added to approval.Request is kept
// by every backend with no change here. It also holds the rules of the drawn version both
// keep beside the body (Drawn, Settled).
package reqjson

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/resetbot/resetbot/approval"
)

// Encode is r's body as it will be stored at version v.
func Encode(r *approval.Request, v int64) (string, error) {
	c := *r
	c.Version = v
	b, err := json.Marshal(&c)
	if err != nil {
		return "", fmt.Errorf("encode request: %w", err)
	}
	return string(b), nil
}

// Decode reads a stored body; the version comes from its own column.
func Decode(body string, version int64) (*approval.Request, error) {
	r := new(approval.Request)
	if err := json.Unmarshal([]byte(body), r); err != nil {
		return nil, fmt.Errorf("decode request: %w", err)
	}
	r.Version = version
	return r, nil
}

// Row is a row a query returns: *sql.Row, *sql.Rows, pgx.Row.
type Row interface{ Scan(dest ...any) error }

// Scan reads the request of a row that selects its version and then its body.
func Scan(row Row) (*approval.Request, error) {
	var (
		version int64
		body    string
	)
	if err := row.Scan(&version, &body); err != nil {
		return nil, err
	}
	return Decode(body, version)
}

// Drawn is the drawn version (approval.Store.MarkDrawn) a write of r at version v stores, or
// nil for an update to keep the stored one: a request with no thread has no card, so it is
// kept drawn at its own version and is never behind; a request created with a thread starts
// at 0, as the store never saw its card drawn.
func Drawn(r *approval.Request, v int64, create bool) *int64 {
	switch {
	case r.Thread.TS == "":
		return &v
	case create:
		var never int64
		return &never
	}
	return nil
}

// Settled keeps, in order, the requests of rs that have a thread and were last updated before
// settled: what approval.Store.CardsBehind lists of the rows whose card is behind.
func Settled(rs []*approval.Request, settled time.Time) []*approval.Request {
	out := rs[:0]
	for _, r := range rs {
		if r.Thread.TS != "" && r.UpdatedAt.Before(settled) {
			out = append(out, r)
		}
	}
	return out
}
