package slacktest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"strconv"
	"strings"
)

// args are a Web API call's arguments, from a form body, a JSON body or the query string.
type args struct {
	form url.Values
	json map[string]json.RawMessage
}

// Bodies the Web API does not read.
var (
	errUnsupportedBody = errors.New("unsupported content type")
	errInvalidJSON     = errors.New("invalid JSON body")
	errInvalidForm     = errors.New("invalid form body")
)

// parseArgs reads a Web API request's arguments the way Slack does: query parameters, then a
// form-encoded or JSON body according to Content-Type.
func parseArgs(contentType string, query url.Values, body []byte) (args, error) {
	a := args{form: url.Values{}}
	for k, v := range query {
		a.form[k] = v
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return a, nil
	}
	mediaType := "application/x-www-form-urlencoded"
	if contentType != "" {
		mt, _, err := mime.ParseMediaType(contentType)
		if err != nil {
			return a, fmt.Errorf("content type %q: %w", contentType, errUnsupportedBody)
		}
		mediaType = mt
	}
	switch mediaType {
	case "application/x-www-form-urlencoded":
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return a, fmt.Errorf("%w: %w", errInvalidForm, err)
		}
		for k, v := range vals {
			a.form[k] = v
		}
	case "application/json":
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			return a, fmt.Errorf("%w: %w", errInvalidJSON, err)
		}
		if obj == nil {
			return a, fmt.Errorf("%w: not an object", errInvalidJSON)
		}
		a.json = obj
	default:
		return a, fmt.Errorf("content type %q: %w", mediaType, errUnsupportedBody)
	}
	return a, nil
}

// str returns the argument as a string: a form value, a JSON string, or the text of a JSON
// number or boolean. Absent or null arguments are "".
func (a args) str(key string) string {
	if raw, ok := a.json[key]; ok {
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			return s
		}
		t := strings.TrimSpace(string(raw))
		if t == "null" {
			return ""
		}
		return t
	}
	return a.form.Get(key)
}

// has reports whether the argument was given.
func (a args) has(key string) bool {
	if raw, ok := a.json[key]; ok {
		return strings.TrimSpace(string(raw)) != "null"
	}
	_, ok := a.form[key]
	return ok
}

// bool reads a boolean argument ("true", "1", true).
func (a args) bool(key string) bool {
	b, _ := strconv.ParseBool(a.str(key))
	return b
}

// raw returns a structured argument (blocks, view) as JSON. Form bodies carry it as a JSON
// string; JSON bodies carry it as a value, or sometimes as a string holding JSON.
func (a args) raw(key string) (json.RawMessage, bool) {
	if raw, ok := a.json[key]; ok {
		t := bytes.TrimSpace(raw)
		if bytes.Equal(t, []byte("null")) {
			return nil, false
		}
		if len(t) > 0 && t[0] == '"' {
			var s string
			if err := json.Unmarshal(t, &s); err == nil {
				return json.RawMessage(s), true
			}
		}
		return json.RawMessage(t), true
	}
	if v, ok := a.form[key]; ok && len(v) > 0 && v[0] != "" {
		return json.RawMessage(v[0]), true
	}
	return nil, false
}

// list reads a comma-separated argument ("U1,U2") or a JSON array of strings.
func (a args) list(key string) []string {
	if raw, ok := a.json[key]; ok {
		var l []string
		if err := json.Unmarshal(raw, &l); err == nil {
			return l
		}
	}
	var out []string
	for p := range strings.SplitSeq(a.str(key), ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// strings returns every argument value as text, structured values expanded into their string
// leaves, skipping the token: what a leak scan should see.
func (a args) strings() []string {
	var out []string
	for k, vs := range a.form {
		if k == "token" {
			continue
		}
		for _, v := range vs {
			out = append(out, v)
			out = appendJSONStrings(out, []byte(v), 1)
		}
	}
	for k, raw := range a.json {
		if k == "token" {
			continue
		}
		out = appendJSONStrings(out, raw, 0)
	}
	return out
}

// appendJSONStrings appends every string in the JSON document data, and the strings of any
// JSON document nested in one of them (a few levels deep). Data that is not JSON adds nothing.
func appendJSONStrings(out []string, data []byte, depth int) []string {
	if depth > 3 {
		return out
	}
	t := bytes.TrimSpace(data)
	if len(t) == 0 || (t[0] != '{' && t[0] != '[' && t[0] != '"') {
		return out
	}
	var v any
	if err := json.Unmarshal(t, &v); err != nil {
		return out
	}
	return appendStrings(out, v, depth)
}

func appendStrings(out []string, v any, depth int) []string {
	switch x := v.(type) {
	case string:
		out = append(out, x)
		out = appendJSONStrings(out, []byte(x), depth+1)
	case []any:
		for _, e := range x {
			out = appendStrings(out, e, depth)
		}
	case map[string]any:
		for k, e := range x {
			if k == "token" {
				continue
			}
			out = appendStrings(out, e, depth)
		}
	}
	return out
}
