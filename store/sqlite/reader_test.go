package sqlite_test

import (
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/store/sqlite"
)

func TestOpenReaderBesideTheBot(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "resetbot.db")
	if _, err := sqlite.OpenReader(ctx, path, slog.New(slog.DiscardHandler)); err == nil {
		t.Fatal("opened a reader on a database that does not exist")
	}
	bot, err := sqlite.Open(ctx, path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer bot.Close()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	if err := bot.Append(ctx, approval.Event{At: at, Actor: "U1", Kind: "status"}); err != nil {
		t.Fatal(err)
	}

	r, err := sqlite.OpenReader(ctx, path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("OpenReader while the bot has the store open: %v", err)
	}
	defer r.Close()
	count := func() int {
		n := 0
		if err := r.ScanEvents(ctx, approval.EventFilter{}, func(approval.Event) error { n++; return nil }); err != nil {
			t.Fatalf("ScanEvents: %v", err)
		}
		return n
	}
	if n := count(); n != 1 {
		t.Errorf("the reader sees %d events, want 1", n)
	}
	// The bot keeps writing while the reader is open, and the reader sees it.
	if err := bot.Append(ctx, approval.Event{At: at, Actor: "U2", Kind: "status"}); err != nil {
		t.Fatalf("the bot's write with a reader open: %v", err)
	}
	if n := count(); n != 2 {
		t.Errorf("the reader sees %d events after the bot's write, want 2", n)
	}
	if err := r.Append(ctx, approval.Event{At: at, Actor: "U3", Kind: "status"}); err == nil {
		t.Error("the reader wrote")
	}
}
