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
// and posting it). Every other member passes through as Slack wrote it; an answer that is not
// a JSON object, or too large, passes through as it came.
//
// The answer is read into a pooled buffer, which goes back to the pool when the body is closed.
func dropEcho(resp *http.Response) error {
	buf := takeBuf()
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, maxEcho+1))
	b := buf.Bytes()
	rest := resp.Body
	if err != nil {
		_ = rest.Close()
		giveBuf(buf)
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
	if json.Valid(b) {
		b = withoutMember(b, "message")
	}
	resp.Body = &pooledBody{Reader: bytes.NewReader(b), buf: buf}
	resp.ContentLength = int64(len(b))
	if resp.Header.Get("Content-Length") != "" {
		resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
	}
	return nil
}

// withoutMember takes every member named name out of b, a valid JSON text, when it is an
// object, in place: the members kept after the first one taken out are moved down over it,
// and the object ends where they end. Any other JSON text, and an object with no such member,
// comes back as it is. No value is decoded: the members are found by skipping over strings
// and brackets.
func withoutMember(b []byte, name string) []byte {
	i := skipSpace(b, 0)
	if i == len(b) || b[i] != '{' {
		return b
	}
	var out []byte // nil until a member is taken out; then what is kept, moved down
	kept, last := 0, i+1
	for i++; ; i++ { // at the start of a member, or at the object's end
		i = skipSpace(b, i)
		if b[i] == '}' {
			break
		}
		start, keyEnd := i, skipString(b, i)
		end := skipValue(b, skipSpace(b, skipSpace(b, keyEnd)+1)) // past the ':'
		switch {
		case memberName(b[start:keyEnd]) == name:
			if out == nil {
				out = b[:last]
			}
		case out == nil:
			kept, last = kept+1, end
		default:
			if kept > 0 {
				out = append(out, ',')
			}
			out, kept = append(out, b[start:end]...), kept+1
		}
		if i = skipSpace(b, end); b[i] == '}' {
			break
		}
	}
	if out == nil {
		return b
	}
	return append(out, '}')
}

// memberName is the name a member's key, a JSON string with its quotes, stands for.
func memberName(key []byte) string {
	if bytes.IndexByte(key, '\\') < 0 {
		return string(key[1 : len(key)-1])
	}
	var s string
	_ = json.Unmarshal(key, &s) // a valid string
	return s
}

// skipSpace is the index of the first byte of b at or after i that is not JSON whitespace.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString is the index just past the valid JSON string that starts at i.
func skipString(b []byte, i int) int {
	for i++; ; i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
}

// skipValue is the index just past the valid JSON value that starts at i.
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch b[i] {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
	}
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
		i++
	}
	return i
}

// pooledBody is an answer read into a buffer of bodyBufs, which Close gives back.
type pooledBody struct {
	*bytes.Reader
	buf *bytes.Buffer
}

func (p *pooledBody) Close() error {
	if p.buf != nil {
		p.Reset(nil)
		giveBuf(p.buf)
		p.buf = nil
	}
	return nil
}
