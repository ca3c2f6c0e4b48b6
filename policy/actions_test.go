package policy

import (
	"regexp"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// placeholder is a {name} in a success text.
var placeholder = regexp.MustCompile(`\{[^}]*\}?`)

// TestEveryActionIsDescribedInFull holds every row of the action table to what the packages
// reading it need: a missing title, phrase, success text or Cognito operation fails here
// rather than showing up as a bare action name in Slack or a run the IAM policy refuses.
func TestEveryActionIsDescribedInFull(t *testing.T) {
	seen := map[Action]bool{}
	for _, s := range Specs() {
		t.Run(string(s.Action), func(t *testing.T) {
			if s.Action == "" || seen[s.Action] {
				t.Fatalf("action %q is empty or has two rows", s.Action)
			}
			seen[s.Action] = true
			if got, ok := ParseAction(string(s.Action)); !ok || got != s.Action {
				t.Errorf("ParseAction(%q) = %q, %v", s.Action, got, ok)
			}
			if s.Title == "" || s.Phrase == "" {
				t.Errorf("title %q, phrase %q: both are needed", s.Title, s.Phrase)
			}
			if s.Action.Title() != s.Title || s.Action.Phrase() != s.Phrase || s.Action.ReadOnly() != s.ReadOnly {
				t.Errorf("the Action methods disagree with the row")
			}
			if diff := cmp.Diff(lookupOperations, slices.DeleteFunc(slices.Clone(s.Operations), func(op string) bool {
				return !slices.Contains(lookupOperations, op)
			})); diff != "" {
				t.Errorf("every action looks the user up (-want +got):\n%s", diff)
			}
			if len(s.IAMActions()) != len(s.Operations) || s.IAMActions()[0] != "cognito-idp:"+s.Operations[0] {
				t.Errorf("IAMActions() = %v for operations %v", s.IAMActions(), s.Operations)
			}
			if s.ReadOnly {
				if s.Success != "" || s.Secret || s.ContactBound || len(s.Operations) != len(lookupOperations) {
					t.Errorf("a read-only action has no success text, secret, bound addresses or write operation: %+v", s)
				}
				return
			}
			if len(s.Operations) == len(lookupOperations) {
				t.Error("an action that changes a user calls a Cognito operation beyond the lookup")
			}
			if s.Success == "" {
				t.Error("an action that changes a user needs a success text")
			}
			for _, p := range placeholder.FindAllString(s.Success, -1) {
				if !slices.Contains(SuccessPlaceholders, p) {
					t.Errorf("success text names %q, which is not one of %v", p, SuccessPlaceholders)
				}
			}
		})
	}
	if len(Actions) != len(seen) {
		t.Errorf("Actions lists %d actions, the table has %d rows", len(Actions), len(seen))
	}
}

func TestUnknownAction(t *testing.T) {
	a := Action("delete")
	if _, ok := ParseAction("delete"); ok {
		t.Error("ParseAction knows delete")
	}
	if _, ok := Spec(a); ok || a.ReadOnly() || a.Title() != "delete" || a.Phrase() != "run delete on" {
		t.Errorf("an unknown action: Spec ok, ReadOnly %v, Title %q, Phrase %q", a.ReadOnly(), a.Title(), a.Phrase())
	}
}

// TestSpecIsACopy shows that a caller changing a row's operations changes no other caller's.
func TestSpecIsACopy(t *testing.T) {
	s, _ := Spec(ActionReset)
	s.Operations[0] = "DeleteUserPool"
	if again, _ := Spec(ActionReset); slices.Contains(again.Operations, "DeleteUserPool") {
		t.Error("Spec shares its operations")
	}
}
