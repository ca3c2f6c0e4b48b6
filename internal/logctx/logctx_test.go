package logctx_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/internal/logctx"
)

func lines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		m := map[string]any{}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		delete(m, "time")
		out = append(out, m)
	}
	return out
}

func TestContextAttributesReachEveryContextLine(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(logctx.Handler(slog.NewJSONHandler(&buf, nil)))
	ctx := logctx.With(t.Context(), "envelope_id", "e1")
	ctx = logctx.With(ctx, "request_id", "r-1", slog.Int("n", 1))
	ctx = logctx.With(ctx, "n", 2) // replaces

	log.InfoContext(ctx, "plain")
	log.With("request_id", "r-own").InfoContext(ctx, "logger has the key")
	log.InfoContext(ctx, "record has the key", "envelope_id", "e-own")
	log.WithGroup("g").InfoContext(ctx, "in a group", "k", "v")
	log.Info("no context")
	log.InfoContext(t.Context(), "empty context")

	want := []map[string]any{
		{"level": "INFO", "msg": "plain", "envelope_id": "e1", "request_id": "r-1", "n": 2.0},
		{"level": "INFO", "msg": "logger has the key", "request_id": "r-own", "envelope_id": "e1", "n": 2.0},
		{"level": "INFO", "msg": "record has the key", "envelope_id": "e-own", "request_id": "r-1", "n": 2.0},
		{"level": "INFO", "msg": "in a group", "g": map[string]any{"k": "v"}},
		{"level": "INFO", "msg": "no context"},
		{"level": "INFO", "msg": "empty context"},
	}
	if diff := cmp.Diff(lines(t, &buf), want); diff != "" {
		t.Errorf("log lines (-got +want):\n%s", diff)
	}
}

func TestHandlerKeepsLevels(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(logctx.Handler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ctx := logctx.With(t.Context(), "request_id", "r-1")
	log.InfoContext(ctx, "dropped")
	log.WarnContext(ctx, "kept")
	got := lines(t, &buf)
	if len(got) != 1 || got[0]["msg"] != "kept" || got[0]["request_id"] != "r-1" {
		t.Errorf("lines = %v", got)
	}
	if got := logctx.Attrs(t.Context()); got != nil {
		t.Errorf("Attrs of an empty context = %v", got)
	}
}
