package approval_test

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/internal/secret"
)

// namedForSecrets matches the field names that say they hold a password or a secret.
var namedForSecrets = regexp.MustCompile(`(?i)password|secret`)

var secretType = reflect.TypeFor[secret.Secret]()

// TestPasswordsTravelAsSecrets walks every type a generated password passes through, from
// the Cognito client to the notifier, and the types that travel beside them: a field named
// for a password or a secret must be a secret.Secret, never a string, so that no print, log
// line or encoding of them shows one. The path itself must carry a Secret at each step.
func TestPasswordsTravelAsSecrets(t *testing.T) {
	for _, v := range []any{
		cognito.PasswordResult{}, cognito.Result{},
		approval.RunResult{}, approval.Secret{},
		approval.Request{}, approval.Event{}, approval.Notice{}, approval.Submission{},
		approval.StatusReport{}, approval.User{}, approval.Target{},
	} {
		for _, bad := range fieldsNamedForSecrets(reflect.TypeOf(v), reflect.TypeOf(v).Name(), map[reflect.Type]bool{}) {
			t.Errorf("%s is named for a secret and is not a secret.Secret", bad)
		}
	}
	for _, path := range []struct {
		v     any
		field string
	}{
		{cognito.PasswordResult{}, "Password"},
		{approval.RunResult{}, "Password"},
		{approval.Secret{}, "Password"},
	} {
		f, ok := reflect.TypeOf(path.v).FieldByName(path.field)
		if !ok || f.Type != secretType {
			t.Errorf("%T.%s is not a secret.Secret", path.v, path.field)
		}
	}
}

// fieldsNamedForSecrets lists the fields of t, and of the project's and unnamed types within
// it, whose name mentions a password or a secret and whose type is not secret.Secret.
func fieldsNamedForSecrets(t reflect.Type, at string, seen map[reflect.Type]bool) []string {
	for k := t.Kind(); k == reflect.Pointer || k == reflect.Slice || k == reflect.Array || k == reflect.Map; k = t.Kind() {
		t, at = t.Elem(), at+"[]"
	}
	other := t.PkgPath() != "" && !strings.HasPrefix(t.PkgPath(), "github.com/resetbot/")
	if t.Kind() != reflect.Struct || t == secretType || other || seen[t] {
		return nil
	}
	seen[t] = true
	var bad []string
	for f := range t.Fields() {
		name := at + "." + f.Name
		if namedForSecrets.MatchString(f.Name) && f.Type != secretType && f.Type.Kind() != reflect.Struct {
			bad = append(bad, name)
		}
		bad = append(bad, fieldsNamedForSecrets(f.Type, name, seen)...)
	}
	return bad
}
