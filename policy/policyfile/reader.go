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
	reportedAt     = 1 // an error names the path
	reportedInside = 2 // an error names a path inside it
)

// place is where a field is: its key (nil for list items and the top) and its value.
type place struct{ key, value ast.Node }

// spec is what a field's tags say about its value.
type spec struct {
	what, item string
	lo, hi     int
}

// maxAliasDepth bounds alias chains (an anchor whose value is an alias, and so on).
const maxAliasDepth = 32

var namedKeysType = reflect.TypeFor[interface{ namedKeys() }]()

func (r *reader) errorf(at ast.Node, path, format string, args ...any) {
	line, col := position(at)
	r.errs = append(r.errs, &Error{File: r.file, Line: line, Column: col, Field: path, Msg: fmt.Sprintf(format, args...)})
	r.reported[path] = reportedAt
	for i := len(path) - 1; i > 0; i-- {
		if (path[i] == '.' || path[i] == '[') && r.reported[path[:i]] == 0 {
			r.reported[path[:i]] = reportedInside
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
	s := spec{what: f.Tag.Get("what"), item: f.Tag.Get("item")}
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
		item := v.Index(i)
		item.Field(0).SetString(e.key)
		r.read(e.value, e.keyAt, item.Field(1), join(path, e.key), spec{what: s.item})
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
	for i, it := range items {
		r.read(it, nil, v.Index(i), index(path, i), spec{what: s.item})
	}
}

// scalar reads text, true or false, or a whole number within the field's range.
func (r *reader) scalar(n ast.Node, v reflect.Value, path string, s spec) {
	switch x := n.(type) {
	case *ast.StringNode:
		if v.Kind() == reflect.String {
			v.SetString(x.Value)
			return
		}
	case *ast.LiteralNode:
		if v.Kind() == reflect.String {
			if x.Value != nil {
				v.SetString(x.Value.Value)
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
