package bot

import (
	"testing"
	"time"
)

// TestHomePassWait: passes start a second apart, or further apart when reading the queues
// took more than a tenth of that.
func TestHomePassWait(t *testing.T) {
	for _, tt := range []struct{ read, want time.Duration }{
		{0, time.Second},
		{50 * time.Millisecond, time.Second},
		{100 * time.Millisecond, time.Second},
		{300 * time.Millisecond, 3 * time.Second},
		{2 * time.Second, 20 * time.Second},
	} {
		if got := homePassWait(tt.read); got != tt.want {
			t.Errorf("homePassWait(%s) = %s, want %s", tt.read, got, tt.want)
		}
	}
}
