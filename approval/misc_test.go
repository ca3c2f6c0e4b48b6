package approval

import (
	"log/slog"
	"regexp"
	"testing"
	"time"
)

func TestHumanDuration(t *testing.T) {
	for _, tt := range []struct {
		in   time.Duration
		want string
	}{
		{24 * time.Hour, "1 day"},
		{48 * time.Hour, "2 days"},
		{26*time.Hour + 5*time.Minute, "1 day and 2 hours"},
		{3*time.Hour + 30*time.Minute, "3 hours and 30 minutes"},
		{time.Hour, "1 hour"},
		{90 * time.Second, "1 minute and 30 seconds"},
		{time.Second, "1 second"},
		{time.Millisecond, "a moment"},
	} {
		if got := humanDuration(tt.in); got != tt.want {
			t.Errorf("humanDuration(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValidationError(t *testing.T) {
	err := &ValidationError{Fields: map[string]string{
		"zeta":   "Z.",
		"reason": "Say why.",
		"pool":   "Which pool?",
		"alpha":  "A.",
	}}
	want := "Which pool? Say why. A. Z."
	if got := ErrorMessage(err); got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if got := ErrorCode(err); got != EINVALID {
		t.Errorf("code %q", got)
	}
	if got := err.Error(); got != "invalid: "+want {
		t.Errorf("Error() = %q", got)
	}
}

func TestNewRequiresItsDependencies(t *testing.T) {
	_, err := New(Config{})
	if err == nil || err.Error() != "approval: new service: missing Store, Directory, Policy, Notifier, Logger" {
		t.Errorf("New(Config{}): %v", err)
	}
	_, err = New(Config{Store: nopStore{}, Directory: nopDir{}, Policy: nopPolicy{}, Notifier: nopNotifier{},
		Logger: slog.New(slog.DiscardHandler), Lease: -time.Second})
	if err == nil {
		t.Error("New accepted a negative lease")
	}
	s, err := New(Config{Store: nopStore{}, Directory: nopDir{}, Policy: nopPolicy{}, Notifier: nopNotifier{},
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if s.lease != DefaultLease || s.owner == "" || s.now == nil || s.newID == nil || s.obs == nil {
		t.Errorf("defaults not set: lease %v owner %q", s.lease, s.owner)
	}
	s.obs.Submitted("reset", "created")
	s.obs.Approved("reset")
	s.obs.Ran("reset", "succeeded", time.Second)
}

func TestNewID(t *testing.T) {
	re := regexp.MustCompile(`^r-[a-z2-7]{10}$`)
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if !re.MatchString(id) {
			t.Fatalf("NewID() = %q", id)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
	}
}
