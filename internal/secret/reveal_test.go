package secret_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// revealers are the places of the module's code allowed to read a Secret's value: a generated
// password is revealed where it is handed to Cognito and where the message that shows it to
// the requester is rendered, nowhere else; the tokens are revealed where the command wires the
// Slack client and checks their form.
var revealers = map[string]bool{
	"cognito.setPassword":         true, // the password, into AdminSetUserPassword
	"bot.secret":                  true, // the password, into the message the requester alone sees
	"cmd/resetbot.newSlackClient": true, // the Slack tokens, into the Slack client
	"cmd/resetbot.checkToken":     true, // the Slack tokens, checked for their form
	"internal/secret.*":           true, // the type itself
}

// TestSecretsAreRevealedOnlyWhereHandedOn finds every call of Reveal in the module's code (tests
// aside) and fails for one outside revealers: a password's path from the generator to the
// requester carries a Secret, which prints as Redacted everywhere else.
func TestSecretsAreRevealedOnlyWhereHandedOn(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("the module root is not %s: %v", root, err)
	}
	var found, refused []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root:
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
			return nil
		}
		dir, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		for _, fn := range revealingFuncs(t, path) {
			at := filepath.ToSlash(dir) + "." + fn
			found = append(found, at)
			if !revealers[at] && !revealers[filepath.ToSlash(dir)+".*"] {
				refused = append(refused, at)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string(nil), refused); diff != "" {
		t.Errorf("Reveal called outside the places that hand a secret on (-want +got):\n%s", diff)
	}
	for _, at := range []string{"cognito.setPassword", "bot.secret", "cmd/resetbot.newSlackClient", "cmd/resetbot.checkToken"} {
		if !slices.Contains(found, at) {
			t.Errorf("no Reveal in %s: the scan missed it, or a secret's path changed (update revealers)", at)
		}
	}
}

// revealingFuncs lists the functions of a Go file that call a method named Reveal.
func revealingFuncs(t *testing.T, path string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var funcs []string
	for _, decl := range f.Decls {
		ast.Inspect(decl, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Reveal" && len(call.Args) == 0 {
				name := "(package level)"
				if fd, ok := decl.(*ast.FuncDecl); ok {
					name = fd.Name.Name
				}
				funcs = append(funcs, name)
			}
			return true
		})
	}
	return funcs
}
