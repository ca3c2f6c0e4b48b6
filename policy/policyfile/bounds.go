package policyfile

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// The bounds of a policy file. A real policy is a few kilobytes, nests about seven levels deep
// and lists a few dozen rules and people; the bounds are far beyond that and keep a hostile or
// broken file from costing the process more than a moment on a reload.
const (
	// MaxFileSize is the largest policy file read, in bytes.
	MaxFileSize = 64 << 10
	// MaxDepth is how deep collections may nest. The YAML parser's memory grows with the square
	// of the depth, so the depth is checked on the tokens, before parsing.
	MaxDepth = 20
	// MaxItems is the most entries any one list or mapping of the file may have (rules, pools,
	// requesters, ...). Aliases count: a list used by every rule counts in each.
	MaxItems = 200
)

func tooLarge(filename string) *Error {
	return &Error{File: filename, Line: 1, Msg: fmt.Sprintf("the file is larger than %d bytes (%d KiB); a policy file is short", MaxFileSize, MaxFileSize>>10)}
}

// tooDeep returns an error at the first token nested deeper than MaxDepth, or nil. The depth is
// counted as the parser will build it: each open flow collection ([ or {), each block
// collection (an indentation or a - or ? indicator further right than the one it is in).
func tooDeep(tokens token.Tokens, filename string) *Error {
	var block []int // columns of the open block collections, increasing
	flow, line := 0, 0
	for _, tk := range tokens {
		if tk.Position == nil || tk.Type == token.CommentType {
			continue
		}
		first := tk.Position.Line != line
		line = tk.Position.Line
		if flow == 0 && (first || tk.Type == token.SequenceEntryType || tk.Type == token.MappingKeyType) {
			col := tk.Position.Column
			for len(block) > 0 && block[len(block)-1] > col {
				block = block[:len(block)-1]
			}
			if len(block) == 0 || block[len(block)-1] < col {
				block = append(block, col)
			}
		}
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			flow++
		case token.SequenceEndType, token.MappingEndType:
			flow = max(flow-1, 0)
		}
		if len(block)+flow > MaxDepth {
			return &Error{File: filename, Line: tk.Position.Line, Column: tk.Position.Column,
				Msg: fmt.Sprintf("the file nests deeper than %d levels; a policy file needs about seven", MaxDepth)}
		}
	}
	return nil
}

// tooMany reports a list or mapping with more than MaxItems entries.
func (r *reader) tooMany(n int, at ast.Node, path string) bool {
	if n <= MaxItems {
		return false
	}
	r.errorf(at, path, "has %d entries; a policy file allows at most %d in one list or mapping", n, MaxItems)
	return true
}
