package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/resetbot/resetbot/internal/secret"
)

const testToken = "xoxb-1111-2222-SeCrEtVaLuE"

func TestSecretNeverPrintsItsValue(t *testing.T) {
	s := secret.New(testToken)
	cfg := Config{SlackBotToken: s, SlackAppToken: secret.New("xapp-1-A-SeCrEtVaLuE")}

	var printed []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s"} {
		printed = append(printed, fmt.Sprintf(verb, s), fmt.Sprintf(verb, cfg), fmt.Sprintf(verb, &cfg))
	}
	printed = append(printed, fmt.Sprint(s), fmt.Sprintln(cfg), s.String(), s.GoString(),
		fmt.Errorf("wrapping %v: %w", s, fmt.Errorf("inner %s", s)).Error())

	for _, v := range []any{s, cfg, map[string]any{"token": s}} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("json.Marshal(%T): %v", v, err)
		}
		printed = append(printed, string(b))
	}
	text, err := s.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	printed = append(printed, string(text))

	var logs bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&logs, nil), slog.NewTextHandler(&logs, nil)} {
		l := slog.New(h)
		l.Info("config", slog.Any("token", s), slog.Any("config", cfg), slog.Any("any", s), slog.Group("g", "t", s))
	}
	printed = append(printed, logs.String())

	for _, p := range printed {
		if strings.Contains(p, "SeCrEtVaLuE") {
			t.Errorf("a token leaked: %s", p)
		}
	}
	if !strings.Contains(logs.String(), secret.Redacted) {
		t.Errorf("logs do not show %s where the token was: %s", secret.Redacted, logs.String())
	}
	if got := s.Reveal(); got != testToken {
		t.Errorf("Reveal() = %q, want the value", got)
	}
}

func TestSecretDecode(t *testing.T) {
	var s secret.Secret
	if !s.Empty() {
		t.Error("zero Secret is not Empty")
	}
	if err := s.Decode(testToken); err != nil {
		t.Fatal(err)
	}
	if s.Empty() || s.Reveal() != testToken {
		t.Errorf("Decode kept %q, want the value", s.Reveal())
	}
}

func TestSecretDecodeDropsSurroundingWhiteSpace(t *testing.T) {
	for _, in := range []string{testToken + "\n", " " + testToken + "\r\n", "\t" + testToken} {
		var s secret.Secret
		if err := s.Decode(in); err != nil {
			t.Fatal(err)
		}
		if s.Reveal() != testToken {
			t.Errorf("Decode(%q) kept %q, want the token alone", in, s.Reveal())
		}
	}
}
