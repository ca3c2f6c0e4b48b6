package approval_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

// TestAuditLogWrapsEveryEventWrite: AuditLog's store embeds the Store it wraps, so a Store
// method that writes events and that it does not declare itself would pass them through without
// a log line, silently. Every method of the Store interface that takes an Event (or several)
// must be declared on auditLogStore.
func TestAuditLogWrapsEveryEventWrite(t *testing.T) {
	fset := token.NewFileSet()
	types, err := parser.ParseFile(fset, "types.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	auditlog, err := parser.ParseFile(fset, "auditlog.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, d := range auditlog.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv != nil && receiverName(fn.Recv.List[0].Type) == "auditLogStore" {
			declared[fn.Name.Name] = true
		}
	}
	writes := 0
	ast.Inspect(types, func(n ast.Node) bool {
		spec, ok := n.(*ast.TypeSpec)
		if !ok || spec.Name.Name != "Store" {
			return true
		}
		for _, m := range spec.Type.(*ast.InterfaceType).Methods.List {
			if takesEvents(m.Type.(*ast.FuncType)) {
				writes++
				if !declared[m.Names[0].Name] {
					t.Errorf("Store.%s writes events, but AuditLog's store does not declare it: its events would not be logged", m.Names[0].Name)
				}
			}
		}
		return false
	})
	if writes == 0 {
		t.Fatal("found no Store method that writes events in types.go")
	}
}

// receiverName is the type a method's receiver names, pointer or not.
func receiverName(e ast.Expr) string {
	if star, ok := e.(*ast.StarExpr); ok {
		e = star.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// takesEvents reports whether a function type has a parameter of type Event or ...Event.
func takesEvents(f *ast.FuncType) bool {
	for _, p := range f.Params.List {
		typ := p.Type
		if ell, ok := typ.(*ast.Ellipsis); ok {
			typ = ell.Elt
		}
		if id, ok := typ.(*ast.Ident); ok && id.Name == "Event" {
			return true
		}
	}
	return false
}
