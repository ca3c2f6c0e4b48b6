package policyfile

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// entry is one key: value pair of a mapping.
type entry struct {
	key   string
	keyAt ast.Node
	value ast.Node
}

func position(n ast.Node) (line, col int) {
	switch v := n.(type) {
	case nil:
		return 1, 0
	case *ast.MappingValueNode:
		if v.Key != nil {
			return position(v.Key)
		}
	case *ast.MappingNode:
		if !v.IsFlowStyle && len(v.Values) > 0 {
			return position(v.Values[0])
		}
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil || tk.Position.Line < 1 {
		return 1, 0
	}
	return tk.Position.Line, tk.Position.Column
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// collectAnchors records every &anchor of the document so that *aliases resolve.
type anchorCollector map[string]ast.Node

func (c anchorCollector) Visit(n ast.Node) ast.Visitor {
	if a, ok := n.(*ast.AnchorNode); ok && a.Name != nil && a.Value != nil {
		c[a.Name.GetToken().Value] = a.Value
	}
	return c
}

// resolve follows anchors and aliases to the value they stand for. It reports tags, which the
// policy file does not use, and aliases to no anchor.
func (r *reader) resolve(n ast.Node, path string) (ast.Node, bool) {
	for range maxAliasDepth {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.AliasNode:
			name := ""
			if v.Value != nil && v.Value.GetToken() != nil {
				name = v.Value.GetToken().Value
			}
			target, ok := r.anchors[name]
			if !ok {
				r.errorf(v, path, "alias *%s refers to no anchor; define &%s before using it", name, name)
				return nil, false
			}
			n = target
		case *ast.TagNode:
			tag := ""
			if v.Start != nil {
				tag = v.Start.Value
			}
			r.errorf(v, path, "YAML tags such as %s are not used in a policy file; quote the value instead", tag)
			return nil, false
		case nil:
			return &ast.NullNode{}, true
		default:
			return n, true
		}
	}
	r.errorf(n, path, "aliases nest more than %d deep", maxAliasDepth)
	return nil, false
}

// describe names what a node is, for "expected X, got Y".
func describe(n ast.Node) string {
	switch v := n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.NullNode:
		return "nothing"
	case *ast.StringNode:
		return quote(v.Value)
	case *ast.LiteralNode:
		return "a block of text"
	case *ast.BoolNode:
		return strconv.FormatBool(v.Value)
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "the number " + clip(v.GetToken().Value)
	default:
		return "a " + strings.ToLower(n.Type().String())
	}
}

func quote(s string) string { return strconv.Quote(clip(s)) }

func clip(s string) string {
	const max = 40
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

// entries returns the pairs of a mapping (nothing for an empty value).
func (r *reader) entries(n ast.Node, path, what string) ([]entry, bool) {
	n, ok := r.resolve(n, path)
	if !ok {
		return nil, false
	}
	var pairs []*ast.MappingValueNode
	switch v := n.(type) {
	case *ast.NullNode:
		return nil, true
	case *ast.MappingNode:
		pairs = v.Values
	case *ast.MappingValueNode:
		pairs = []*ast.MappingValueNode{v}
	default:
		r.errorf(n, path, "expected %s, got %s", what, describe(n))
		return nil, false
	}
	if r.tooMany(len(pairs), n, path) {
		return nil, false
	}
	out := make([]entry, 0, len(pairs))
	for _, p := range pairs {
		key, ok := r.keyName(p.Key, path)
		if !ok {
			continue
		}
		out = append(out, entry{key: key, keyAt: p.Key, value: p.Value})
	}
	return out, true
}

func (r *reader) keyName(k ast.MapKeyNode, path string) (string, bool) {
	if k == nil {
		r.remarkf(nil, path, "a key is missing")
		return "", false
	}
	if k.IsMergeKey() {
		r.remarkf(k, path, "merge keys (<<) are not used in a policy file; write the fields out, or share lists with &anchors and *aliases")
		return "", false
	}
	var n ast.Node = k
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		n = mk.Value
	}
	n, ok := r.resolve(n, path)
	if !ok {
		return "", false
	}
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.IntegerNode, *ast.BoolNode, *ast.FloatNode:
		return v.GetToken().Value, true
	}
	r.remarkf(k, path, "expected a name as key, got %s", describe(n))
	return "", false
}
