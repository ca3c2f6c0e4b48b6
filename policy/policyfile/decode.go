package policyfile

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/resetbot/resetbot/policy"
)

// decoder turns YAML nodes into values, collecting an error with the line and field of every
// node that is not what the schema expects. It reads the syntax tree itself, rather than
// unmarshalling into structs, so that every message says what was expected in plain words.
type decoder struct {
	file       string
	errs       ErrorList
	anchors    map[string]ast.Node
	fileLimits policy.Limits // the file's limits, for the rules that set none of their own
}

// field is one key of a YAML mapping and how to read its value. path is the field's own path,
// e.g. rules[2].approvals.
type field struct {
	name   string
	decode func(v ast.Node, path string)
}

// entry is one key: value pair of a mapping.
type entry struct {
	key   string
	keyAt ast.Node
	value ast.Node
}

// maxAliasDepth bounds alias chains (an anchor whose value is an alias, and so on).
const maxAliasDepth = 32

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

func (d *decoder) errorf(at ast.Node, path, format string, args ...any) {
	line, col := position(at)
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Column: col, Field: path, Msg: fmt.Sprintf(format, args...)})
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
func (d *decoder) resolve(n ast.Node, path string) (ast.Node, bool) {
	for range maxAliasDepth {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.AliasNode:
			name := ""
			if v.Value != nil && v.Value.GetToken() != nil {
				name = v.Value.GetToken().Value
			}
			target, ok := d.anchors[name]
			if !ok {
				d.errorf(v, path, "alias *%s refers to no anchor; define &%s before using it", name, name)
				return nil, false
			}
			n = target
		case *ast.TagNode:
			tag := ""
			if v.Start != nil {
				tag = v.Start.Value
			}
			d.errorf(v, path, "YAML tags such as %s are not used in a policy file; quote the value instead", tag)
			return nil, false
		case nil:
			return &ast.NullNode{}, true
		default:
			return n, true
		}
	}
	d.errorf(n, path, "aliases nest more than %d deep", maxAliasDepth)
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
func (d *decoder) entries(n ast.Node, path, what string) ([]entry, bool) {
	n, ok := d.resolve(n, path)
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
		d.errorf(n, path, "expected %s, got %s", what, describe(n))
		return nil, false
	}
	if d.tooMany(len(pairs), n, path) {
		return nil, false
	}
	out := make([]entry, 0, len(pairs))
	for _, p := range pairs {
		key, ok := d.key(p.Key, path)
		if !ok {
			continue
		}
		out = append(out, entry{key: key, keyAt: p.Key, value: p.Value})
	}
	return out, true
}

func (d *decoder) key(k ast.MapKeyNode, path string) (string, bool) {
	if k == nil {
		d.errorf(nil, path, "a key is missing")
		return "", false
	}
	if k.IsMergeKey() {
		d.errorf(k, path, "merge keys (<<) are not used in a policy file; write the fields out, or share lists with &anchors and *aliases")
		return "", false
	}
	var n ast.Node = k
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		n = mk.Value
	}
	n, ok := d.resolve(n, path)
	if !ok {
		return "", false
	}
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.IntegerNode, *ast.BoolNode, *ast.FloatNode:
		return v.GetToken().Value, true
	}
	d.errorf(k, path, "expected a name as key, got %s", describe(n))
	return "", false
}

// object reads a mapping whose keys are the given fields. It reports unknown keys, then decodes
// the known ones in the order of fields (so that sections other sections refer to are read
// first), and returns the key node of each field present.
func (d *decoder) object(n ast.Node, path, what string, fields []field) map[string]ast.Node {
	es, ok := d.entries(n, path, what)
	if !ok {
		return nil
	}
	byName := make(map[string]entry, len(es))
	for _, e := range es {
		if !hasField(fields, e.key) {
			d.errorf(e.keyAt, join(path, e.key), "unknown field; expected one of: %s", fieldNames(fields))
			continue
		}
		byName[e.key] = e
	}
	present := make(map[string]ast.Node, len(byName))
	for _, f := range fields {
		e, ok := byName[f.name]
		if !ok {
			continue
		}
		present[f.name] = e.keyAt
		f.decode(e.value, join(path, f.name))
	}
	return present
}

func hasField(fields []field, name string) bool {
	for _, f := range fields {
		if f.name == name {
			return true
		}
	}
	return false
}

func fieldNames(fields []field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// list returns the items of a sequence (nothing for an empty value).
func (d *decoder) list(n ast.Node, path, what string) ([]ast.Node, bool) {
	n, ok := d.resolve(n, path)
	if !ok {
		return nil, false
	}
	switch v := n.(type) {
	case *ast.NullNode:
		return nil, true
	case *ast.SequenceNode:
		if d.tooMany(len(v.Values), n, path) {
			return nil, false
		}
		return v.Values, true
	}
	d.errorf(n, path, "expected %s, got %s", what, describe(n))
	return nil, false
}

// str reads a text value. what says what is expected, e.g. "a Slack team id like T0123ABCD".
func (d *decoder) str(n ast.Node, path, what string) (string, ast.Node, bool) {
	n, ok := d.resolve(n, path)
	if !ok {
		return "", nil, false
	}
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, v, true
	case *ast.LiteralNode:
		if v.Value != nil {
			return v.Value.Value, v, true
		}
		return "", v, true
	}
	d.errorf(n, path, "expected %s, got %s", what, describe(n))
	return "", n, false
}

// strs reads a list of text values, each checked by valid (which returns what is wrong, or "").
func (d *decoder) strs(n ast.Node, path, what string, valid func(string) string) ([]string, bool) {
	items, ok := d.list(n, path, "a list of "+what)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(items))
	good := true
	for i, it := range items {
		p := index(path, i)
		s, at, ok := d.str(it, p, what)
		if !ok {
			good = false
			continue
		}
		if msg := valid(s); msg != "" {
			d.errorf(at, p, "%s", msg)
			good = false
			continue
		}
		out = append(out, s)
	}
	return out, good
}

func (d *decoder) boolean(n ast.Node, path string) (bool, bool) {
	n, ok := d.resolve(n, path)
	if !ok {
		return false, false
	}
	if v, ok := n.(*ast.BoolNode); ok {
		return v.Value, true
	}
	d.errorf(n, path, "expected true or false, got %s", describe(n))
	return false, false
}

func (d *decoder) integer(n ast.Node, path string, lo, hi int) (int, bool) {
	n, ok := d.resolve(n, path)
	if !ok {
		return 0, false
	}
	v, isInt := n.(*ast.IntegerNode)
	if !isInt {
		d.errorf(n, path, "expected a whole number from %d to %d, got %s", lo, hi, describe(n))
		return 0, false
	}
	var i int64
	switch x := v.Value.(type) {
	case int64:
		i = x
	case uint64:
		i = math.MaxInt64
		if x < math.MaxInt64 {
			i = int64(x)
		}
	}
	if i < int64(lo) || i > int64(hi) {
		d.errorf(n, path, "expected a whole number from %d to %d, got %s", lo, hi, v.GetToken().Value)
		return 0, false
	}
	return int(i), true
}

// maxDuration bounds every duration in the file: expiry, reminders and limit windows.
const maxDuration = 30 * 24 * time.Hour

func (d *decoder) duration(n ast.Node, path string) (time.Duration, bool) {
	const what = "a duration such as 30m, 4h or 2d"
	s, at, ok := d.str(n, path, what)
	if !ok {
		return 0, false
	}
	dur, err := policy.ParseDuration(s)
	if err != nil || dur <= 0 || dur > maxDuration {
		d.errorf(at, path, "expected %s, more than zero and at most 30d, got %q", what, clip(s))
		return 0, false
	}
	return dur, true
}
