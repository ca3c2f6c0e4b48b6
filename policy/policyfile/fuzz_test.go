package policyfile

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/resetbot/resetbot/policy"
)

// FuzzParse feeds the loader arbitrary files: it must never panic, and every error must name
// the file and a line of it.
func FuzzParse(f *testing.F) {
	example, err := os.ReadFile("../../deploy/policy.example.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(example),
		decidePolicy,
		holderV2,
		"pools: {prod: {id: eu-west-1_Prod1234}}\n",
		"pools: &a *a\n",
		"pools:\n  prod:\n    <<: *b\n",
		"rules:\n  - name: a\n    effect: deny\n",
		"a: [\n",
		"---\n---\n",
		"pools: {p: {id: !!str x}}\n",
		"rules: [{name: a, actions: [reset], requesters: [\"*\"], approvals: 99999999999999999999}]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data, "fuzz.yaml")
		unix := bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		lines := bytes.Count(unix, []byte("\n")) + bytes.Count(unix, []byte("\r")) + 1
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("Parse() error %v is not a non-empty ErrorList", err)
			}
			for _, e := range list {
				if e.File != "fuzz.yaml" || e.Line < 1 || e.Line > lines {
					t.Fatalf("error %q does not name the file and a line of it (1..%d)", e, lines)
				}
			}
			return
		}
		for _, w := range Lint(p) {
			if w.Line < 1 || w.Line > lines {
				t.Fatalf("warning %q does not name a line of the file", w)
			}
		}
		for _, a := range policy.Actions {
			f := policy.Facts{Requester: "U0DAN", Groups: []string{"@support"}, Action: a}
			d := p.Decide(f)
			if d.Allowed && len(d.Missing) > 0 {
				t.Fatalf("Decide(%s) allowed with something missing: %+v", a, d)
			}
			p.CanApprove(d, policy.Approver{User: "U0BOB"}, "U0DAN", nil)
		}
		p.Permitted(policy.Facts{Requester: "U0DAN"})
	})
}
