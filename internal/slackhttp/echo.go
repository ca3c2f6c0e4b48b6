package slackhttp

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

// echoMethods are the methods whose answer echoes the whole message posted ("message": its
// text, blocks and attachments), which the bot never reads: it takes the channel and ts.
var echoMethods = map[string]bool{"chat.postMessage": true, "chat.update": true}

// maxEcho is the largest answer dropEcho reads; a larger one passes through as it came.
const maxEcho = 1 << 20

// dropEcho takes the echoed message out of a successful answer of an echoMethods call, so
// that the client does not decode it (decoding a card's blocks cost more CPU than drawing
// and posting it). Every other field passes through unchanged; an answer that is not a JSON
// object, or too large, passes through as it came.
func dropEcho(resp *http.Response) error {
	b, err := readAll(resp.Body, resp.ContentLength, maxEcho+1)
	rest := resp.Body
	if err != nil {
		_ = rest.Close()
		return err
	}
	if len(b) > maxEcho {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(b), rest), rest}
		return nil
	}
	_ = rest.Close()
	var fields map[string]json.RawMessage
	if json.Unmarshal(b, &fields) == nil {
		if _, ok := fields["message"]; ok {
			delete(fields, "message")
			if trimmed, err := json.Marshal(fields); err == nil {
				b = trimmed
			}
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	if resp.Header.Get("Content-Length") != "" {
		resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
	}
	return nil
}
