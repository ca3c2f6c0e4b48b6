package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/smithy-go/logging"
)

// awsLogger writes the AWS SDK's own log lines (a warning such as "falling back to IMDSv1"
// while it looks for credentials) through resetbot's logger, so that they are JSON lines like
// every other instead of raw text on stderr.
type awsLogger struct{ log *slog.Logger }

// awsLevels are the slog levels of the SDK's classifications.
var awsLevels = map[logging.Classification]slog.Level{logging.Warn: slog.LevelWarn, logging.Debug: slog.LevelDebug}

// Logf implements logging.Logger.
func (l awsLogger) Logf(c logging.Classification, format string, v ...any) {
	level, ok := awsLevels[c]
	if !ok {
		level = slog.LevelInfo
	}
	l.log.Log(context.Background(), level, fmt.Sprintf(format, v...), "component", "aws-sdk")
}
