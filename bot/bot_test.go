package bot

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

func TestNewRefusesIncompleteConfig(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	if _, err := NewNotifier(NotifierConfig{Logger: log}); err == nil {
		t.Error("NewNotifier without a client: no error")
	}
	if _, err := NewNotifier(NotifierConfig{Client: slack.New("xoxb-test")}); err == nil {
		t.Error("NewNotifier without a logger: no error")
	}
	n, err := NewNotifier(NotifierConfig{Client: slack.New("xoxb-test"), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	if n.rd.command != DefaultCommandName {
		t.Errorf("command = %q, want the default", n.rd.command)
	}

	_, err = New(Config{Notifier: n, Logger: log})
	if err == nil || !strings.Contains(err.Error(), "Workflow") || !strings.Contains(err.Error(), "Policy") {
		t.Errorf("New without Workflow and Policy: %v", err)
	}
	svc := &approval.Service{}
	_, err = New(Config{Notifier: n, Workflow: svc, Policy: stubPolicy{}, Logger: log, Claims: newMemClaims(), ValidateTimeout: 3 * time.Second})
	if err == nil {
		t.Error("New with a ValidateTimeout that leaves no time to ack: no error")
	}
	b, err := New(Config{Notifier: n, Workflow: svc, Policy: stubPolicy{}, Logger: log, Claims: newMemClaims()})
	if err != nil {
		t.Fatal(err)
	}
	if b.cfg.ValidateTimeout != DefaultValidateTimeout || b.cfg.WorkTimeout != DefaultWorkTimeout {
		t.Errorf("defaults = %v, %v", b.cfg.ValidateTimeout, b.cfg.WorkTimeout)
	}
	if b.Connected() {
		t.Error("Connected before Run")
	}
}

// stubPolicy permits nothing.
type stubPolicy struct{}

func (stubPolicy) Permitted(policy.Facts) map[string][]policy.Action { return nil }
func (stubPolicy) Pools() []policy.Pool                              { return nil }
func (stubPolicy) IdentityChecks() []policy.IdentityCheck            { return nil }
