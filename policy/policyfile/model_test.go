package policyfile

import (
	"reflect"
	"testing"
)

// TestModelTags holds the typed structs to what the reader needs of them: every field has a
// yaml name and says in words what it holds, and every check and key name a tag names exists.
func TestModelTags(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			s, p := specOf(f), path+"."+f.Tag.Get("yaml")
			if f.Tag.Get("yaml") == "" || s.what == "" {
				t.Errorf("%s (%s): no yaml name or no words for what it holds", p, f.Name)
			}
			if _, ok := textChecks[s.text]; s.text != "" && !ok {
				t.Errorf("%s: text check %q is not in textChecks", p, s.text)
			}
			elem := f.Type
			if elem.Kind() == reflect.Slice {
				elem = elem.Elem()
				if s.item == "" {
					t.Errorf("%s: a list without words for its items", p)
				}
			}
			if f.Type.Implements(namedKeysType) {
				if s.keys == "" {
					t.Errorf("%s: a keyed mapping without words for its keys", p)
				}
				elem = elem.Field(1).Type
			}
			walk(elem, p)
		}
	}
	walk(reflect.TypeFor[fileDoc](), "$")
	if len(seen) < 8 {
		t.Errorf("walked %d structs, want every struct of the file", len(seen))
	}
}
