package main

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/aws/smithy-go/logging"
	"github.com/google/go-cmp/cmp"
)

// The AWS SDK's own log lines (the IMDS client's "falling back to IMDSv1" while it looks for
// credentials) go through resetbot's JSON logger, not raw onto stderr.
func TestAWSSDKLogsThroughTheJSONLogger(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	var buf bytes.Buffer
	cfg, err := loadAWSConfig(t.Context(), newLogger(&buf, LogJSON, slog.LevelDebug))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Logger.Logf(logging.Warn, "falling back to IMDSv1: %s", "operation error ec2imds: getToken")
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("the SDK's line is not JSON: %q (%v)", buf.String(), err)
	}
	want := map[string]any{"level": "WARN", "msg": "falling back to IMDSv1: operation error ec2imds: getToken", "component": "aws-sdk"}
	got := map[string]any{"level": line["level"], "msg": line["msg"], "component": line["component"]}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
