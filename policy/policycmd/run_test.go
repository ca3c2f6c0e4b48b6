package policycmd

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/resetbot/resetbot/internal/golden"
)

const example = "../../deploy/policy.example.yaml"

// supportReset is the everyday request of the example policy, complete.
var supportReset = []string{
	"test", "-f", example, "--requester", "U0SUPPORT1", "--groups", "S0SUPPORT1,@support",
	"--action", "reset", "--pool", "prod", "--target-groups", "customers",
	"--ticket", "SUP-123", "--reason", "locked out", "--verified-by", "callback",
}

func plus(args []string, more ...string) []string {
	return append(append([]string{}, args...), more...)
}

// TestRun compares the output and exit status of each command line with its golden file,
// testdata/NAME.golden. go test ./policy/policycmd -update rewrites them.
func TestRun(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"check-example", []string{"check", "-f", example}, exitOK},
		{"check-example-strict", []string{"check", "-f", example, "--strict"}, exitOK},
		{"check-invalid", []string{"check", "-f", "testdata/invalid.yaml"}, exitBad},
		{"check-many-errors", []string{"check", "-f", "testdata/many-errors.yaml"}, exitBad},
		{"check-warnings", []string{"check", "-f", "testdata/warnings.yaml"}, exitOK},
		{"check-warnings-strict", []string{"check", "-strict", "-f", "testdata/warnings.yaml"}, exitBad},
		{"check-only-pools", []string{"check", "-f", "testdata/only-pools.yaml"}, exitOK},
		{"check-missing-file", []string{"check", "-f", "testdata/nope.yaml"}, exitBad},
		{"check-no-file", []string{"check"}, exitBad},
		{"check-help", []string{"check", "-h"}, exitOK},
		{"check-extra-argument", []string{"check", "-f", example, "extra"}, exitBad},
		{"test-allowed", supportReset, exitOK},
		{"test-admin-denied", plus(supportReset, "--target-groups", "admins"), exitDenied},
		{"test-missing", []string{
			"test", "-f", example, "--requester", "U0SUPPORT1", "--groups", "S0SUPPORT1,@support",
			"--action", "temp-password", "--pool", "prod", "--target-groups", "", "--ticket", "INC-9",
		}, exitDenied},
		{"test-approver-may", plus(supportReset, "--approver", "U0LEAD1", "--approver-groups", "S0LEADS001,@support-leads"), exitOK},
		{"test-approver-own", plus(supportReset, "--approver", "U0SUPPORT1", "--approver-groups", "S0LEADS001,@support-leads"), exitDenied},
		{"test-approver-enough", plus(supportReset, "--approver", "U0SECLEAD1", "--approvals", "U0LEAD1"), exitDenied},
		{"test-target-groups-not-given", []string{
			"test", "-f", example, "--requester", "U0SUPPORT1", "--groups", "S0SUPPORT1,@support", "--action", "reset",
			"--ticket", "SUP-1", "--reason", "locked out", "--verified-by", "video-call",
		}, exitOK},
		{"test-status", []string{"test", "-f", example, "--requester", "U0SUPPORT1", "--groups", "S0SUPPORT1,@support", "--action", "status", "--target-groups", "admins"}, exitOK},
		{"test-permanent-password", []string{
			"test", "-f", example, "--requester", "U0LEAD1", "--groups", "S0LEADS001,@support-leads", "--action", "permanent-password",
			"--pool", "prod", "--target-groups", "customers", "--ticket", "SUP-7", "--reason", "device lost", "--verified-by", "video-call",
		}, exitOK},
		{"test-staging-channel", []string{
			"test", "-f", example, "--team", "T0EXAMPLE1", "--channel", "C0STAGING1", "--requester", "U0SUPPORT1",
			"--groups", "S0SUPPORT1,@support", "--action", "verify-email", "--reason", "new address",
		}, exitOK},
		{"test-not-a-requester", []string{"test", "-f", example, "--requester", "U0SALES1", "--groups", "@sales", "--action", "reset", "--pool", "prod"}, exitDenied},
		{"test-wrong-channel", plus(supportReset, "--channel", "C0RANDOM1"), exitDenied},
		{"test-only-pools", []string{"test", "-f", "testdata/only-pools.yaml", "--requester", "U0ANYONE", "--action", "status"}, exitOK},
		{"test-only-pools-reset", []string{"test", "-f", "testdata/only-pools.yaml", "--requester", "U0ANYONE", "--action", "reset"}, exitDenied},
		{"test-invalid-file", []string{"test", "-f", "testdata/invalid.yaml", "--requester", "U1", "--action", "reset"}, exitBad},
		{"test-unknown-action", []string{"test", "-f", example, "--requester", "U1", "--action", "delete"}, exitBad},
		{"test-no-requester", []string{"test", "-f", example, "--action", "reset"}, exitBad},
		{"test-no-action", []string{"test", "-f", example, "--requester", "U1"}, exitBad},
		{"test-no-file", []string{"test", "--requester", "U1", "--action", "reset"}, exitBad},
		{"test-unknown-flag", []string{"test", "--colour"}, exitBad},
		{"no-arguments", nil, exitBad},
		{"help", []string{"--help"}, exitOK},
		{"unknown-subcommand", []string{"lint"}, exitBad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status := Run(tt.args, &stdout, &stderr)
			got := fmt.Sprintf("$ resetbot policy %q\nexit %d\n--- stdout\n%s--- stderr\n%s", tt.args, status, stdout.String(), stderr.String())
			golden.Assert(t, filepath.Join("testdata", tt.name+".golden"), []byte(got))
			if status != tt.want {
				t.Errorf("exit status %d, want %d", status, tt.want)
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestRunReportsWriteFailures(t *testing.T) {
	var buf bytes.Buffer
	if got := Run([]string{"check", "-f", example}, failingWriter{}, &buf); got != exitBad {
		t.Errorf("Run() with stdout failing = %d, want %d", got, exitBad)
	}
	if got := Run([]string{"check"}, &buf, failingWriter{}); got != exitBad {
		t.Errorf("Run() with stderr failing = %d, want %d", got, exitBad)
	}
}
