package policy

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseDuration reads a duration as the policy file writes it: time.ParseDuration's form
// ("90m", "4h30m") or whole days ("2d").
func ParseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 365 {
			return 0, fmt.Errorf("bad number of days %q", days)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("parse duration: %w", err)
	}
	return d, nil
}

// FormatDuration writes a duration the way the policy file does: "2d" for whole days, else
// "4h", "1h30m", "45s"; ParseDuration reads it back.
func FormatDuration(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d <= 0:
		return "0s"
	case d%day == 0:
		return fmt.Sprintf("%dd", d/day)
	case d%time.Second != 0:
		return d.String()
	}
	s := d.String() // e.g. 1h0m0s, 10m0s, 50s
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
