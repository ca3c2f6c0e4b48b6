package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseStoreURL(t *testing.T) {
	tests := []struct {
		in      string
		want    StoreURL
		wantErr string
	}{
		{in: "sqlite:./resetbot.db", want: StoreURL{"sqlite", "./resetbot.db"}},
		{in: "sqlite:/var/lib/resetbot/resetbot.db", want: StoreURL{"sqlite", "/var/lib/resetbot/resetbot.db"}},
		{in: "sqlite:///var/lib/resetbot.db", want: StoreURL{"sqlite", "/var/lib/resetbot.db"}},
		{in: "sqlite:", wantErr: `names no location`},
		{in: "sqlite:  ", wantErr: `names no location`},
		{in: "dynamodb:requests", wantErr: `store scheme "dynamodb" is not supported: write sqlite:PATH`},
		{in: "postgres://bot@db.example.com:5432/resetbot?sslmode=verify-full", want: StoreURL{"postgres", "//bot@db.example.com:5432/resetbot?sslmode=verify-full"}},
		{in: "postgresql://bot:pw@db/resetbot", want: StoreURL{"postgres", "//bot:pw@db/resetbot"}},
		{in: "postgres://db.example.com", wantErr: `names no database`},
		{in: "postgres:///resetbot", wantErr: `names no host`},
		{in: "postgres:db/resetbot", wantErr: `does not parse as a URL`},
		{in: "postgres://bot:se cret@db:x/y", wantErr: `does not parse as a URL`},
		{in: "./resetbot.db", wantErr: `has no scheme`},
		{in: ":x", wantErr: `has no scheme`},
		{in: "", wantErr: `has no scheme`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseStoreURL(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseStoreURL(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseStoreURL(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("ParseStoreURL(%q) (-got +want):\n%s", tt.in, diff)
			}
		})
	}
}

func FuzzParseStoreURL(f *testing.F) {
	for _, s := range []string{"sqlite:./resetbot.db", "sqlite:", "dynamodb:t", "", ":", "sqlite://x",
		"postgres://bot:pw@db:5432/x?sslmode=require", "postgresql://db/x?password=secret", "postgres://[::1]/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseStoreURL(s)
		if err != nil {
			return
		}
		if _, known := storeSchemes[u.Scheme]; !known || strings.TrimSpace(u.Path) == "" {
			t.Fatalf("ParseStoreURL(%q) = %+v: unknown scheme or empty path accepted", s, u)
		}
		again, err := ParseStoreURL(u.ConnString())
		if err != nil {
			t.Fatalf("ParseStoreURL(%q) = %+v, but its ConnString %q does not parse: %v", s, u, u.ConnString(), err)
		}
		if pw := urlPassword(u); pw != "" && len(pw) > 3 && strings.Contains(u.String(), pw) {
			t.Fatalf("String() of %q shows the password: %s", s, u.String())
		}
		if again.Scheme != u.Scheme || (again.Path != u.Path && !strings.HasPrefix(u.Path, "//")) {
			t.Fatalf("round trip of %q: %+v then %+v", s, u, again)
		}
	})
}

// urlPassword is the password a URL carries, in its user info or its query.
func urlPassword(u StoreURL) string {
	p, err := url.Parse(u.ConnString())
	if err != nil {
		return ""
	}
	if pw, ok := p.User.Password(); ok {
		return pw
	}
	return p.Query().Get("password")
}

func TestStoreURLStringHidesThePassword(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		password bool
	}{
		{"postgres://bot:hunter22@db:5432/resetbot?sslmode=require", "postgres://bot:xxxxx@db:5432/resetbot?sslmode=require", true},
		{"postgres://bot@db/resetbot?password=hunter22&sslmode=require", "postgres://bot@db/resetbot?password=xxxxx&sslmode=require", true},
		{"postgres://bot@db/resetbot", "postgres://bot@db/resetbot", false},
		{"sqlite:./resetbot.db", "sqlite:./resetbot.db", false},
	} {
		u, err := ParseStoreURL(tt.in)
		if err != nil {
			t.Fatalf("ParseStoreURL(%q): %v", tt.in, err)
		}
		if got := u.String(); got != tt.want {
			t.Errorf("String() of %q = %q, want %q", tt.in, got, tt.want)
		}
		if got := u.Password(); got != tt.password {
			t.Errorf("Password() of %q = %v, want %v", tt.in, got, tt.password)
		}
		if u.ConnString() != tt.in {
			t.Errorf("ConnString() = %q, want %q", u.ConnString(), tt.in)
		}
	}
}
