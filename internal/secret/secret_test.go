package secret_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/resetbot/resetbot/internal/secret"
)

// TestSecretNeverPrints prints, formats, marshals and logs a Secret every way there is and
// finds only Redacted; Reveal alone gives the value.
func TestSecretNeverPrints(t *testing.T) {
	const value = "hunter2-Pa55word"
	s := secret.New(value)
	holder := struct{ Password secret.Secret }{s}
	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		out = append(out, fmt.Sprintf(verb, s), fmt.Sprintf(verb, holder), fmt.Sprintf(verb, &holder))
	}
	js, err := json.Marshal(holder)
	if err != nil {
		t.Fatal(err)
	}
	text, err := s.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "password", s, "holder", holder)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "password", s)
	out = append(out, string(js), string(text), logs.String(), s.String(), s.GoString())
	for _, o := range out {
		if strings.Contains(o, value) || !strings.Contains(o, secret.Redacted) {
			t.Errorf("%q shows the value or does not show %s", o, secret.Redacted)
		}
	}
	if s.Reveal() != value || s.Empty() || !secret.New("").Empty() {
		t.Errorf("Reveal = %q, Empty = %v", s.Reveal(), s.Empty())
	}
}

func TestDecodeDropsWhiteSpaceAround(t *testing.T) {
	var s secret.Secret
	if err := s.Decode(" xoxb-1\n"); err != nil || s.Reveal() != "xoxb-1" {
		t.Errorf("Decode: %q, %v", s.Reveal(), err)
	}
}

func TestScrubCutsTheValueOut(t *testing.T) {
	for _, tt := range []struct {
		name, value, text, want string
	}{
		{"once", "hunter2", "posting hunter2 failed", "posting [REDACTED] failed"},
		{"twice", "hunter2", "hunter2 and hunter2", "[REDACTED] and [REDACTED]"},
		{"absent", "hunter2", "posting failed", "posting failed"},
		{"empty value", "", "posting failed", "posting failed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := secret.New(tt.value).Scrub(tt.text); got != tt.want {
				t.Errorf("Scrub(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}
