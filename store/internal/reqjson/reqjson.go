// Package reqjson is how the SQL stores keep a request's body: the whole approval.Request as
// JSON, beside the columns their queries filter on. A field added to approval.Request is kept
// by every backend with no change here.
package reqjson

import (
	"encoding/json"
	"fmt"

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
