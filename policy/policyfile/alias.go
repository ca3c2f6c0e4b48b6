package policyfile

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// An anchored value used at many places is checked at each, but its problems are listed once
// for each kind of field (rules[].actions, rules[].approvers, ...): at the first place that
// has them. Every other place gets one error at its alias, naming the first place, so that a
// list of 200 wrong values shared by 200 rules is not 40,000 errors pointing at one line.

// use is a place where the value of an anchor is used: by an alias, or where it is defined.
type use struct {
	anchor string
	at     ast.Node // the alias, or the anchor
}

// shape names the kind of field at path: rules[2].actions is rules[].actions. Every list index
// ([0-9]+ in brackets) becomes [].
func shape(path string) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(path, '[')
		if open < 0 {
			b.WriteString(path)
			return b.String()
		}
		n := 0
		for open+1+n < len(path) && path[open+1+n] >= '0' && path[open+1+n] <= '9' {
			n++
		}
		if n > 0 && open+1+n < len(path) && path[open+1+n] == ']' {
			b.WriteString(path[:open])
			b.WriteString("[]")
			path = path[open+2+n:]
			continue
		}
		b.WriteString(path[:open+1])
		path = path[open+1:]
	}
}

// used records that the value at path is the value of an anchor, when n, the node written
// there, is an alias or an anchor.
func (r *reader) used(n ast.Node, path string) {
	switch v := n.(type) {
	case *ast.AliasNode:
		if name := aliasName(v); r.anchors[name] != nil {
			r.uses[path] = use{name, v}
		}
	case *ast.AnchorNode:
		if v.Name != nil && v.Name.GetToken() != nil {
			r.uses[path] = use{v.Name.GetToken().Value, v}
		}
	}
}

// useOf finds the innermost place in path or above it where an anchor's value is used.
func (r *reader) useOf(path string) (string, use, bool) {
	for i := len(path); i > 0; i-- {
		if i < len(path) && path[i] != '.' && path[i] != '[' {
			continue
		}
		if u, ok := r.uses[path[:i]]; ok {
			return path[:i], u, true
		}
	}
	return "", use{}, false
}

// placed is the error to keep for a problem at path, found at the node at: the problem
// itself, or, when it lies inside an anchor's value whose problems another place of the same
// kind already lists, one error at this place's alias.
func (r *reader) placed(at ast.Node, path, msg string) Error {
	usePath, u, ok := r.useOf(path)
	if ok && usePath != path {
		kind := u.anchor + " " + shape(usePath)
		first, seen := r.firstUse[kind]
		switch {
		case !seen:
			r.firstUse[kind] = usePath
		case first != usePath:
			line, _ := position(r.anchors[u.anchor])
			at, path = u.at, usePath
			msg = fmt.Sprintf("the value of &%s (line %d) has problems here too, as listed for %s", u.anchor, line, first)
		}
	}
	line, col := position(at)
	return Error{File: r.file, Line: line, Column: col, Field: path, Msg: msg}
}
