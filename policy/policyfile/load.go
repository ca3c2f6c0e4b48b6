package policyfile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"

	"github.com/resetbot/resetbot/policy"
)

// Load reads and parses the policy file at path.
func Load(path string) (*policy.Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read policy file: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	_ = f.Close() // read-only: closing cannot lose data
	if err != nil {
		return nil, fmt.Errorf("read policy file %s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, ErrorList{tooLarge(path)}
	}
	return Parse(data, path)
}

// Parse reads a policy file's bytes; filename is used in errors. An invalid file gives an
// ErrorList naming the line and field of every problem and what is expected there.
func Parse(data []byte, filename string) (*policy.Policy, error) {
	if len(data) > MaxFileSize {
		return nil, ErrorList{tooLarge(filename)}
	}
	if !utf8.Valid(data) {
		return nil, ErrorList{{File: filename, Line: invalidUTF8Line(data), Msg: "the file is not UTF-8 text"}}
	}
	body, err := parseYAML(data, filename)
	if err != nil {
		return nil, err
	}
	r := newReader(filename, body)
	c := r.config(body)
	if len(r.errs) > 0 {
		return nil, r.errs.sorted()
	}
	sum := sha256.Sum256(data)
	c.File, c.Digest = filename, hex.EncodeToString(sum[:])
	p, err := policy.New(*c)
	if err != nil { // the checks above leave nothing New refuses; say so if they ever do
		return nil, ErrorList{{File: filename, Line: 1, Msg: err.Error()}}
	}
	return p, nil
}

// parseYAML returns the body of the file's one document.
func parseYAML(data []byte, filename string) (body ast.Node, err error) {
	defer func() {
		// The YAML parser is not ours; a file it trips on must not take the bot down on reload.
		if r := recover(); r != nil {
			body, err = nil, ErrorList{{File: filename, Line: 1, Msg: fmt.Sprintf("the file could not be read as YAML (%v)", r)}}
		}
	}()
	tokens := lexer.Tokenize(string(data))
	if e := tooDeep(tokens, filename); e != nil {
		return nil, ErrorList{e}
	}
	f, err := parser.Parse(tokens, 0)
	if err != nil {
		return nil, ErrorList{syntaxError(err, filename)}
	}
	var docs []*ast.DocumentNode
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil {
			docs = append(docs, doc)
		}
	}
	switch {
	case len(docs) == 0:
		return nil, ErrorList{{File: filename, Line: 1, Msg: "the file is empty; expected at least pools"}}
	case len(docs) > 1:
		line, _ := position(docs[1].Body)
		if docs[1].Start != nil && docs[1].Start.Position != nil {
			line = docs[1].Start.Position.Line
		}
		return nil, ErrorList{{File: filename, Line: line, Msg: "a second YAML document starts here; a policy file holds one"}}
	}
	return docs[0].Body, nil
}

func syntaxError(err error, filename string) *Error {
	e := &Error{File: filename, Line: 1, Msg: "invalid YAML: " + err.Error()}
	var ye yaml.Error
	if errors.As(err, &ye) {
		e.Msg = "invalid YAML: " + ye.GetMessage()
		if tk := ye.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line > 0 {
			e.Line, e.Column = tk.Position.Line, tk.Position.Column
		}
	}
	return e
}

// invalidUTF8Line is the line of the first byte that is not UTF-8. Lines end as YAML's do:
// at a line feed, a carriage return, or both.
func invalidUTF8Line(data []byte) int {
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return line
		case data[i] == '\n', data[i] == '\r' && (i+1 == len(data) || data[i+1] != '\n'):
			line++
		}
		i += size
	}
	return line
}
