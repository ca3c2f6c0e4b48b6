package policyfile

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// reader fills the typed values of model.go from the syntax tree, guided by their types and
// tags. It reads the tree itself so that every problem is reported, not the first: every
// unknown key, merge key, tag, dangling alias, oversized collection and value of the wrong
// kind. It records where each field path is, for the checks that follow.
type reader struct {
	file     string
	errs     ErrorList
	seen     map[Error]bool    // the errors in errs, each reported once
	uses     map[string]use    // by field path: where the value of an anchor is used
	firstUse map[string]string // by anchor and shape: the use whose problems are listed
	anchors  map[string]ast.Node
	at       map[string]place // by field path, e.g. rules[2].approvals
	reported map[string]int   // reportedInside or reportedAt, by field path
}

// place is where a field is: its key (nil for list items and the top) and its value.
type place struct{ key, value ast.Node }

// What reported says of a field path: an error names a path inside it (or a key of it), or
// names the path itself, whose value is then unusable.
const (
	reportedInside = 1
	reportedAt     = 2
)

// spec is what a field's tags say about its value.
type spec struct {
	what, item, text, keys string // text: a check of textChecks; keys: what a chosen key is
	unique                 bool
	lo, hi                 int
}

// maxAliasDepth bounds alias chains (an anchor whose value is an alias, and so on).
const maxAliasDepth = 32

var namedKeysType = reflect.TypeFor[interface{ namedKeys() }]()

func newReader(file string, body ast.Node) *reader {
	r := &reader{file: file, anchors: map[string]ast.Node{}, at: map[string]place{}, reported: map[string]int{},
		seen: map[Error]bool{}, uses: map[string]use{}, firstUse: map[string]string{}}
	for _, n := range ast.Filter(ast.AnchorType, body) {
		if a := n.(*ast.AnchorNode); a.Name != nil && a.Value != nil {
			r.anchors[a.Name.GetToken().Value] = a.Value
		}
	}
	return r
}

func (r *reader) errorf(at ast.Node, path, format string, args ...any) {
	if !r.full() {
		r.report(at, path, reportedAt, fmt.Sprintf(format, args...))
	}
}

// full reports whether the reader holds more than MaxKept errors: the file is invalid, the list
// says it has more than MaxKept problems, and the rest of the file is not read.
func (r *reader) full() bool { return len(r.errs) > MaxKept }

// remark reports a problem at path that leaves its value usable, such as a refused key.
func (r *reader) remark(at ast.Node, path, msg string) { r.report(at, path, reportedInside, msg) }

func (r *reader) report(at ast.Node, path string, how int, msg string) {
	if r.full() {
		return
	}
	r.reported[path] = max(r.reported[path], how)
	for i := len(path) - 1; i > 0; i-- {
		if path[i] == '.' || path[i] == '[' {
			r.reported[path[:i]] = max(r.reported[path[:i]], reportedInside)
		}
	}
	if e := r.placed(at, path, msg); !r.seen[e] {
		r.seen[e] = true
		r.errs = append(r.errs, &e)
	}
}

func (r *reader) bad(path string) bool       { return r.reported[path] == reportedAt }
func (r *reader) failed(path string) bool    { return r.reported[path] != 0 }
func (r *reader) has(path string) bool       { _, ok := r.at[path]; return ok }
func (r *reader) good(path string) bool      { return r.has(path) && !r.bad(path) }
func (r *reader) key(path string) ast.Node   { return r.at[path].key }
func (r *reader) value(path string) ast.Node { return r.at[path].value }

// read fills v from the node n found at path.
func (r *reader) read(n, keyAt ast.Node, v reflect.Value, path string, s spec) {
	if r.full() {
		return
	}
	r.used(n, path)
	n, ok := r.resolve(n, path)
	r.at[path] = place{keyAt, n}
	if !ok {
		return
	}
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
	tag := f.Tag.Get
	s := spec{what: tag("what"), item: tag("item"), text: tag("text"), keys: tag("keys"), unique: tag("unique") != ""}
	if lo, hi, ok := strings.Cut(tag("range"), ","); ok {
		s.lo, _ = strconv.Atoi(lo)
		s.hi, _ = strconv.Atoi(hi)
		s.what = fmt.Sprintf("a whole number from %d to %d", s.lo, s.hi)
	}
	switch {
	case f.Type.Kind() == reflect.Bool:
		s.what = "true or false"
	case s.what == "" && s.item != "":
		s.what = "a list of " + s.item
	}
	return s
}

// object reads a mapping into a struct, reporting every key the struct has no field for.
func (r *reader) object(n ast.Node, v reflect.Value, path, what string) {
	names := make([]string, v.NumField())
	for i := range names {
		names[i] = v.Type().Field(i).Tag.Get("yaml")
	}
	for _, e := range r.entries(n, path, what) {
		if i := slices.Index(names, e.key); i >= 0 {
			r.read(e.value, e.keyAt, v.Field(i), join(path, e.key), specOf(v.Type().Field(i)))
		} else {
			r.errorf(e.keyAt, join(path, e.key), "unknown field; expected one of: %s", strings.Join(names, ", "))
		}
	}
}

// mapping reads a mapping of chosen names into a keyed list, in the order of the file.
func (r *reader) mapping(n ast.Node, v reflect.Value, path string, s spec) {
	es := r.entries(n, path, s.what)
	v.Set(reflect.MakeSlice(v.Type(), len(es), len(es)))
	for i, e := range es {
		item, p := v.Index(i), join(path, e.key)
		item.Field(0).SetString(e.key)
		if isName(e.key) {
			r.read(e.value, e.keyAt, item.Field(1), p, spec{what: s.item})
		} else {
			r.at[p] = place{e.keyAt, nil}
			r.errorf(e.keyAt, p, "%s is %s; got %s", s.keys, nameExpected, quote(e.key))
		}
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
		p := fmt.Sprintf("%s[%d]", path, i)
		r.read(it, nil, v.Index(i), p, spec{what: s.item, text: s.text})
		if text := v.Index(i).String(); s.unique && !r.bad(p) {
			if seen[text] {
				r.errorf(r.value(p), p, "%s is listed twice", quote(text))
			}
			seen[text] = true
		}
	}
}

// scalar reads text, true or false, or a whole number within the field's range, and checks a
// text's form.
func (r *reader) scalar(n ast.Node, v reflect.Value, path string, s spec) {
	var val any
	switch x := n.(type) {
	case *ast.StringNode:
		val = x.Value
	case *ast.LiteralNode:
		val = x.Value.Value // the parser always sets it, to "" at the least
	case *ast.BoolNode:
		val = x.Value
	case *ast.IntegerNode:
		i, _ := x.Value.(int64)
		if u, ok := x.Value.(uint64); ok {
			i = int64(min(u, math.MaxInt64))
		}
		val = int(i)
	}
	if val == nil || reflect.TypeOf(val) != v.Type() {
		r.errorf(n, path, "expected %s, got %s", s.what, describe(n))
		return
	}
	if i, ok := val.(int); ok && (i < s.lo || i > s.hi) {
		r.errorf(n, path, "expected %s, got %s", s.what, n.GetToken().Value)
		return
	}
	v.Set(reflect.ValueOf(val))
	if c, ok := textChecks[s.text]; ok && !c.ok(v.String()) {
		r.errorf(n, path, "expected %s, got %s", c.expected, quote(v.String()))
	}
}
