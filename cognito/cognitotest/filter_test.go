package cognitotest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFilter(t *testing.T) {
	tests := []struct {
		in      string
		want    filter
		wantErr bool
	}{
		{in: ``, want: filter{}},
		{in: `   `, want: filter{}},
		{in: `email = "alice@example.com"`, want: filter{attr: "email", value: "alice@example.com"}},
		{in: `  email="alice@example.com"  `, want: filter{attr: "email", value: "alice@example.com"}},
		{in: `given_name ^= "Jo"`, want: filter{attr: "given_name", prefix: true, value: "Jo"}},
		{in: `family_name = "O\"Brien \\ co"`, want: filter{attr: "family_name", value: `O"Brien \ co`}},
		{in: `cognito:user_status = "reset_required"`, want: filter{attr: "cognito:user_status", value: "reset_required"}},
		{in: `email = ""`, want: filter{attr: "email"}},
		{in: `shoe_size = "9"`, wantErr: true},
		{in: `email == "x"`, wantErr: true},
		{in: `email = x`, wantErr: true},
		{in: `email = "x`, wantErr: true},
		{in: `email = "x\`, wantErr: true},
		{in: `email = "x" and more`, wantErr: true},
		{in: `= "x"`, wantErr: true},
		{in: `email`, wantErr: true},
	}
	for _, tc := range tests {
		got, err := parseFilter(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("parseFilter(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(filter{})); diff != "" {
			t.Errorf("parseFilter(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestFilterMatch(t *testing.T) {
	u := &user{username: "alice", status: StatusResetRequired, enabled: true, attrs: map[string]string{"email": "alice@example.com"}}
	tests := []struct {
		filter string
		want   bool
	}{
		{``, true},
		{`username = "alice"`, true},
		{`username = "Alice"`, false},
		{`username ^= "al"`, true},
		{`cognito:user_status = "reset_required"`, true},
		{`status = "Enabled"`, true},
		{`status = "Disabled"`, false},
		{`email ^= "alice@"`, true},
		{`phone_number ^= ""`, false},
	}
	for _, tc := range tests {
		f, err := parseFilter(tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.match(u); got != tc.want {
			t.Errorf("%q matches = %v, want %v", tc.filter, got, tc.want)
		}
	}
}

// FuzzParseFilter checks the parser never panics and that what it accepts prints back to the
// same filter.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{`email = "a@b"`, `name ^= "x\"y"`, ``, `sub = "\\"`, `status="Enabled"`, `email = "x" y`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseFilter(s)
		if err != nil {
			return
		}
		again, err := parseFilter(got.String())
		if err != nil {
			t.Fatalf("parseFilter(%q) = %q, which does not parse: %v", s, got.String(), err)
		}
		if again != got {
			t.Fatalf("round trip of %q: %+v then %+v", s, got, again)
		}
	})
}

func TestPasswordPolicyCheck(t *testing.T) {
	strict := defaultPasswordPolicy
	lax := passwordPolicy{MinimumLength: 6}
	tests := []struct {
		policy   passwordPolicy
		password string
		want     string // error code, "" when accepted
	}{
		{strict, "Abcdef1!", ""},
		{strict, "Abcde1!", "InvalidPasswordException"},
		{strict, "abcdef1!", "InvalidPasswordException"},
		{strict, "ABCDEF1!", "InvalidPasswordException"},
		{strict, "Abcdefg!", "InvalidPasswordException"},
		{strict, "Abcdefg1", "InvalidPasswordException"},
		{strict, "Abc def1", ""},
		{strict, "Abcdef1é", "InvalidPasswordException"},
		{strict, "", "InvalidParameterException"},
		{strict, "Abcdef1! ", "InvalidParameterException"},
		{lax, "aaaaaa", ""},
		{lax, "ééééé", "InvalidPasswordException"},
		{lax, string(make([]byte, 257)), "InvalidParameterException"},
	}
	for _, tc := range tests {
		got := ""
		if err := tc.policy.check(tc.password); err != nil {
			got = err.Code
		}
		if got != tc.want {
			t.Errorf("check(%q) = %q, want %q", tc.password, got, tc.want)
		}
	}
}

func TestMask(t *testing.T) {
	tests := []struct{ medium, in, want string }{
		{"EMAIL", "alice@example.com", "a***@e***"},
		{"EMAIL", "not-an-address", "***"},
		{"SMS", "+15555550123", "+*******0123"},
		{"SMS", "+123", "****"},
	}
	for _, tc := range tests {
		if got := mask(tc.medium, tc.in); got != tc.want {
			t.Errorf("mask(%s, %q) = %q, want %q", tc.medium, tc.in, got, tc.want)
		}
	}
}
