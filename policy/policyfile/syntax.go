package policyfile

import (
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// entry is one key: value pair of a mapping.
type entry struct {
	key          string
	keyAt, value ast.Node
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
	if tk := n.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line > 0 {
		return tk.Position.Line, tk.Position.Column
	}
	return 1, 0
}

// join names the field key of the field at path; at the top, path is "".
func join(path, key string) string { return strings.TrimPrefix(path+"."+key, ".") }

// resolve follows anchors and aliases to the value they stand for. It reports tags, which the
// policy file does not use, and aliases to no anchor.
func (r *reader) resolve(n ast.Node, path string) (ast.Node, bool) {
	for range maxAliasDepth {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.AliasNode:
			name := aliasName(v)
			if n = r.anchors[name]; n == nil {
				r.errorf(v, path, "alias *%s refers to no anchor; define &%s before using it", name, name)
				return nil, false
			}
		case *ast.TagNode:
			r.errorf(v, path, "YAML tags such as %s are not used in a policy file; quote the value instead", v.Start.Value)
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

// aliasName is the anchor an alias names: wrong for *wrong.
func aliasName(a *ast.AliasNode) string {
	if a.Value != nil && a.Value.GetToken() != nil {
		return a.Value.GetToken().Value
	}
	return ""
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
	}
	return "a " + strings.ToLower(n.Type().String())
}

func quote(s string) string { return strconv.Quote(clip(s)) }

func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// entries returns the pairs of a mapping whose keys are names; nil when it is not a mapping.
func (r *reader) entries(n ast.Node, path, what string) []entry {
	n, ok := r.resolve(n, path)
	var pairs []*ast.MappingValueNode
	switch v := n.(type) {
	case *ast.MappingNode:
		pairs = v.Values
	case *ast.MappingValueNode:
		pairs = []*ast.MappingValueNode{v}
	case *ast.NullNode:
	default:
		if ok {
			r.errorf(n, path, "expected %s, got %s", what, describe(n))
		}
		return nil
	}
	if r.tooMany(len(pairs), n, path) {
		return nil
	}
	var out []entry
	for _, p := range pairs {
		if key, ok := r.keyName(p.Key, path); ok {
			out = append(out, entry{key, p.Key, p.Value})
		}
	}
	return out
}

func (r *reader) keyName(k ast.MapKeyNode, path string) (string, bool) {
	switch {
	case k == nil:
		r.remark(nil, path, "a key is missing")
		return "", false
	case k.IsMergeKey():
		r.remark(k, path, "merge keys (<<) are not used in a policy file; write the fields out, or share lists with &anchors and *aliases")
		return "", false
	}
	var n ast.Node = k
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		n = mk.Value
	}
	n, ok := r.resolve(n, path)
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.IntegerNode, *ast.BoolNode, *ast.FloatNode:
		return v.GetToken().Value, true
	}
	if ok {
		r.remark(k, path, "expected a name as key, got "+describe(n))
	}
	return "", false
}
