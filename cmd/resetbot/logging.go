package main

import (
	"io"
	"log/slog"

	"github.com/resetbot/resetbot/internal/logctx"
)

// loggerHandlers builds a log handler per format.
var loggerHandlers = map[LogFormat]func(io.Writer, *slog.HandlerOptions) slog.Handler{
	LogJSON: func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return slog.NewJSONHandler(w, o) },
	LogText: func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return slog.NewTextHandler(w, o) },
}

// newLogger returns the process logger, writing to w in the configured format and level; lines
// logged with a context carry its envelope and request ids (internal/logctx).
func newLogger(w io.Writer, format LogFormat, level slog.Level) *slog.Logger {
	newHandler, ok := loggerHandlers[format]
	if !ok {
		newHandler = loggerHandlers[LogJSON]
	}
	return slog.New(logctx.Handler(newHandler(w, &slog.HandlerOptions{Level: level})))
}
