package policyfile

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// reader fills the typed values of model.go from the syntax tree, guided by their types and
// tags. It collects an error for every unknown key, merge key, tag, dangling alias, oversized
// collection and value of the wrong kind, and records where each field path is, for the
// checks that follow. It reads the tree itself so that every problem is reported, not the first.
type reader struct {
	file     string
	errs     ErrorList
	anchors  map[string]ast.Node
	at       map[string]place // by field path, e.g. rules[2].approvals
	reported map[string]int   // reportedAt or reportedInside, by field path
}

// What reported says of a field path.
const (
	reportedInside = 1 // an error names a path inside it, or a key of it
	reportedAt     = 2 // an error names the path: its value is unusable
)

// place is where a field is: its key (nil for list items and the top) and its value.
type place struct{ key, value ast.Node }

// spec is what a field's tags say about its value.
type spec struct {
	what, item string
	text       string // a check of textChecks each text must pass
	keys       string // what a key of a keyed mapping is, e.g. "a pool name"
	unique     bool   // no text may be listed twice
	lo, hi     int
}

// maxAliasDepth bounds alias chains (an anchor whose value is an alias, and so on).
const maxAliasDepth = 32

var namedKeysType = reflect.TypeFor[interface{ namedKeys() }]()

func (r *reader) errorf(at ast.Node, path, format string, args ...any) {
	r.report(at, path, reportedAt, fmt.Sprintf(format, args...))
}

// remarkf reports a problem at path that leaves its value usable, such as a refused key.
func (r *reader) remarkf(at ast.Node, path, format string, args ...any) {
	r.report(at, path, reportedInside, fmt.Sprintf(format, args...))
}

func (r *reader) report(at ast.Node, path string, how int, msg string) {
	line, col := position(at)
	r.errs = append(r.errs, &Error{File: r.file, Line: line, Column: col, Field: path, Msg: msg})
	r.reported[path] = max(r.reported[path], how)
	for i := len(path) - 1; i > 0; i-- {
		if path[i] == '.' || path[i] == '[' {
			r.reported[path[:i]] = max(r.reported[path[:i]], reportedInside)
		}
	}
}

// bad reports whether an error was found at path itself.
func (r *reader) bad(path string) bool { return r.reported[path] == reportedAt }

// failed reports whether an error was found at path or inside it.
func (r *reader) failed(path string) bool { return r.reported[path] != 0 }

func (r *reader) has(path string) bool { _, ok := r.at[path]; return ok }

func (r *reader) key(path string) ast.Node   { return r.at[path].key }
func (r *reader) value(path string) ast.Node { return r.at[path].value }

// read fills v from the node n found at path.
func (r *reader) read(n, keyAt ast.Node, v reflect.Value, path string, s spec) {
	n, ok := r.resolve(n, path)
	if !ok {
		r.at[path] = place{keyAt, nil}
		return
	}
	r.at[path] = place{keyAt, n}
	if v.Kind() == reflect.Pointer {
		v.Set(reflect.New(v.Type().Elem()))
		v = v.Elem()
	}
	switch {
	case v.Kind() == reflect.Struct:
		r.object(n, v, path, s.what)
	case v.Type().Implements(namedKeysType):
		r.mapping(n, v, path, s)
	case v.Kind() == reflect.Slice:
		r.list(n, v, path, s)
	default:
		r.scalar(n, v, path, s)
	}
}

func specOf(f reflect.StructField) spec {
	s := spec{what: f.Tag.Get("what"), item: f.Tag.Get("item"), text: f.Tag.Get("text"),
		keys: f.Tag.Get("keys"), unique: f.Tag.Get("unique") != ""}
	if s.what == "" && s.item != "" {
		s.what = "a list of " + s.item
	}
	if lo, hi, ok := strings.Cut(f.Tag.Get("range"), ","); ok {
		s.lo, _ = strconv.Atoi(lo)
		s.hi, _ = strconv.Atoi(hi)
		s.what = fmt.Sprintf("a whole number from %d to %d", s.lo, s.hi)
	}
	if f.Type.Kind() == reflect.Bool {
		s.what = "true or false"
	}
	return s
}

// object reads a mapping into a struct, reporting every key the struct has no field for.
func (r *reader) object(n ast.Node, v reflect.Value, path, what string) bool {
	es, ok := r.entries(n, path, what)
	if !ok {
		return false
	}
	t := v.Type()
	for _, e := range es {
		i := fieldIndex(t, e.key)
		if i < 0 {
			r.errorf(e.keyAt, join(path, e.key), "unknown field; expected one of: %s", fieldNames(t))
			continue
		}
		r.read(e.value, e.keyAt, v.Field(i), join(path, e.key), specOf(t.Field(i)))
	}
	return true
}

func fieldIndex(t reflect.Type, key string) int {
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("yaml") == key {
			return i
		}
	}
	return -1
}

func fieldNames(t reflect.Type) string {
	names := make([]string, t.NumField())
	for i := range names {
		names[i] = t.Field(i).Tag.Get("yaml")
	}
	return strings.Join(names, ", ")
}

// mapping reads a mapping of chosen names into a keyed list, in the order of the file.
func (r *reader) mapping(n ast.Node, v reflect.Value, path string, s spec) {
	es, ok := r.entries(n, path, s.what)
	if !ok {
		return
	}
	v.Set(reflect.MakeSlice(v.Type(), len(es), len(es)))
	for i, e := range es {
		item, p := v.Index(i), join(path, e.key)
		item.Field(0).SetString(e.key)
		if !namePattern.MatchString(e.key) {
			r.at[p] = place{e.keyAt, nil}
			r.errorf(e.keyAt, p, "%s is %s; got %s", s.keys, nameExpected, quote(e.key))
			continue
		}
		r.read(e.value, e.keyAt, item.Field(1), p, spec{what: s.item})
	}
}

// list reads a sequence into a slice; an item of the wrong kind keeps its zero value and its
// index, so that paths stay those of the file.
func (r *reader) list(n ast.Node, v reflect.Value, path string, s spec) {
	var items []ast.Node
	switch l := n.(type) {
	case *ast.NullNode:
	case *ast.SequenceNode:
		if r.tooMany(len(l.Values), n, path) {
			return
		}
		items = l.Values
	default:
		r.errorf(n, path, "expected %s, got %s", s.what, describe(n))
		return
	}
	v.Set(reflect.MakeSlice(v.Type(), len(items), len(items)))
	seen := map[string]bool{}
	for i, it := range items {
		p := index(path, i)
		r.read(it, nil, v.Index(i), p, spec{what: s.item, text: s.text})
		if text := v.Index(i).String(); s.unique && !r.bad(p) {
			if seen[text] {
				r.errorf(r.value(p), p, "%s is listed twice", quote(text))
			}
			seen[text] = true
		}
	}
}

// scalar reads text, true or false, or a whole number within the field's range.
func (r *reader) scalar(n ast.Node, v reflect.Value, path string, s spec) {
	switch x := n.(type) {
	case *ast.StringNode:
		if v.Kind() == reflect.String {
			r.text(n, x.Value, v, path, s.text)
			return
		}
	case *ast.LiteralNode:
		if v.Kind() == reflect.String {
			if x.Value != nil {
				r.text(n, x.Value.Value, v, path, s.text)
			}
			return
		}
	case *ast.BoolNode:
		if v.Kind() == reflect.Bool {
			v.SetBool(x.Value)
			return
		}
	case *ast.IntegerNode:
		if v.Kind() == reflect.Int {
			r.integer(x, v, path, s)
			return
		}
	}
	r.errorf(n, path, "expected %s, got %s", s.what, describe(n))
}

// text sets a text, and reports it when it fails the field's check.
func (r *reader) text(n ast.Node, text string, v reflect.Value, path, check string) {
	v.SetString(text)
	if c, ok := textChecks[check]; ok && !c.re.MatchString(text) {
		r.errorf(n, path, "expected %s, got %s", c.expected, quote(text))
	}
}

func (r *reader) integer(n *ast.IntegerNode, v reflect.Value, path string, s spec) {
	var i int64
	switch x := n.Value.(type) {
	case int64:
		i = x
	case uint64:
		i = math.MaxInt64
		if x < math.MaxInt64 {
			i = int64(x)
		}
	}
	if i < int64(s.lo) || i > int64(s.hi) {
		r.errorf(n, path, "expected %s, got %s", s.what, n.GetToken().Value)
		return
	}
	v.SetInt(i)
}
