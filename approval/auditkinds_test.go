package approval_test

import (
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// computedKinds are the kinds of the audit events whose Kind is a value the source alone does
// not settle (a parameter), keyed by file and expression: what the callers pass.
var computedKinds = map[string][]string{
	"read.go: string(action)": {"status", "history"}, // auditLookup, called by Status and History
}

// writtenKinds lists every Kind the package's non-test source gives an audit event: the string
// literals of Event{Kind: ...} and of event.Kind = ..., the string constants they name, and the
// values assigned in the same function to a variable they name. A Kind it cannot settle must be
// in computedKinds, else the test fails: a new kind of event is never left out unseen.
func writtenKinds(t *testing.T) []string {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	consts := map[string]string{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
				for _, s := range g.Specs {
					vs := s.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if i < len(vs.Values) {
							if v, ok := stringLit(vs.Values[i]); ok {
								consts[n.Name] = v
							}
						}
					}
				}
			}
		}
	}
	kinds := map[string]bool{}
	for _, f := range files {
		file := filepath.Base(fset.Position(f.Pos()).Filename)
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			add := func(e ast.Expr) {
				vs, ok := resolveKind(e, fn, consts)
				if !ok {
					key := file + ": " + exprString(fset, e)
					if vs, ok = computedKinds[key]; !ok {
						t.Errorf("%s: an audit event's Kind is %q, which the test cannot settle: add it to computedKinds", fset.Position(e.Pos()), key)
					}
				}
				for _, v := range vs {
					kinds[v] = true
				}
			}
			for _, e := range eventKindExprs(fn) {
				add(e)
			}
		}
	}
	return slices.Sorted(func(yield func(string) bool) {
		for k := range kinds {
			if !yield(k) {
				return
			}
		}
	})
}

// eventKindExprs are the expressions fn gives the Kind of an Event: in Event literals (also
// those of a []Event literal, whose type is left out) and in assignments to the Kind of a
// variable of type Event.
func eventKindExprs(fn *ast.FuncDecl) []ast.Expr {
	events := map[string]bool{} // the names of fn's variables of type Event
	for _, l := range []*ast.FieldList{fn.Recv, fn.Type.Params, fn.Type.Results} {
		if l == nil {
			continue
		}
		for _, f := range l.List {
			if isIdent(f.Type, "Event") {
				for _, n := range f.Names {
					events[n.Name] = true
				}
			}
		}
	}
	elided := map[*ast.CompositeLit]bool{}
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CompositeLit:
			if at, ok := n.Type.(*ast.ArrayType); ok && isIdent(at.Elt, "Event") {
				for _, e := range n.Elts {
					if c, ok := e.(*ast.CompositeLit); ok && c.Type == nil {
						elided[c] = true
					}
				}
			}
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok && i < len(n.Rhs) {
					if c, ok := n.Rhs[i].(*ast.CompositeLit); ok && isIdent(c.Type, "Event") {
						events[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			if isIdent(n.Type, "Event") {
				for _, id := range n.Names {
					events[id.Name] = true
				}
			}
		}
		return true
	})
	var out []ast.Expr
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CompositeLit:
			if !isIdent(n.Type, "Event") && !elided[n] {
				return true
			}
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok && isIdent(kv.Key, "Kind") {
					out = append(out, kv.Value)
				}
			}
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "Kind" && i < len(n.Rhs) {
					if x, ok := sel.X.(*ast.Ident); ok && events[x.Name] {
						out = append(out, n.Rhs[i])
					}
				}
			}
		}
		return true
	})
	return out
}

// resolveKind settles the string values e can have in fn: a literal, a string constant, a
// conversion of one, an index into a map literal, or a variable of fn assigned any of those.
func resolveKind(e ast.Expr, fn *ast.FuncDecl, consts map[string]string) ([]string, bool) {
	if v, ok := stringLit(e); ok {
		return []string{v}, true
	}
	switch e := e.(type) {
	case *ast.CallExpr:
		if isIdent(e.Fun, "string") && len(e.Args) == 1 {
			return resolveKind(e.Args[0], fn, consts)
		}
	case *ast.IndexExpr:
		m, ok := e.X.(*ast.CompositeLit)
		if !ok {
			return nil, false
		}
		var out []string
		for _, el := range m.Elts {
			kv, ok := el.(*ast.KeyValueExpr)
			if !ok {
				return nil, false
			}
			vs, ok := resolveKind(kv.Value, fn, consts)
			if !ok {
				return nil, false
			}
			out = append(out, vs...)
		}
		return out, true
	case *ast.Ident:
		if v, ok := consts[e.Name]; ok {
			return []string{v}, true
		}
		var out []string
		found, settled := false, true
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			a, ok := n.(*ast.AssignStmt)
			if !ok || len(a.Lhs) != len(a.Rhs) {
				return true
			}
			for i, l := range a.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == e.Name {
					found = true
					vs, ok := resolveKind(a.Rhs[i], fn, consts)
					settled = settled && ok
					for _, v := range vs {
						if v != "" { // the zero value: no event
							out = append(out, v)
						}
					}
				}
			}
			return true
		})
		return out, found && settled
	}
	return nil, false
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	v, err := strconv.Unquote(lit.Value)
	return v, err == nil
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func exprString(fset *token.FileSet, e ast.Expr) string {
	var b strings.Builder
	if err := printer.Fprint(&b, fset, e); err != nil {
		return "?"
	}
	return b.String()
}
