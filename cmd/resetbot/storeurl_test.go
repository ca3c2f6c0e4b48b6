package main

import (
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
		{in: "postgres://db/x", wantErr: `store scheme "postgres" is not supported`},
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
	for _, s := range []string{"sqlite:./resetbot.db", "sqlite:", "dynamodb:t", "", ":", "sqlite://x"} {
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
		again, err := ParseStoreURL(u.String())
		if err != nil {
			t.Fatalf("ParseStoreURL(%q) = %+v, but its String %q does not parse: %v", s, u, u.String(), err)
		}
		if again.Scheme != u.Scheme || (again.Path != u.Path && !strings.HasPrefix(u.Path, "//")) {
			t.Fatalf("round trip of %q: %+v then %+v", s, u, again)
		}
	})
}
