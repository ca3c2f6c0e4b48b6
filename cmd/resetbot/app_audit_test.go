package main

import (
	"strings"
	"testing"
)

// TestAppWritesAuditLogLines: the binary's wiring logs each stored audit event as a "msg":"audit"
// line, unless RESETBOT_AUDIT_LOG is off.
func TestAppWritesAuditLogLines(t *testing.T) {
	for _, on := range []bool{true, false} {
		t.Run(map[bool]string{true: "on", false: "off"}[on], func(t *testing.T) {
			f := newFixture(t)
			app, logs := newApp(t, f, func(c *Config) { c.AuditLog = on })
			ctx, stop := runReadyApp(t, f, app)
			c := requestReset(t, ctx, f)
			approve(t, ctx, f, c)
			waitThread(t, ctx, f, c, succeeded)
			if err := stop(); err != nil {
				t.Errorf("Run: %v", err)
			}
			t.Cleanup(func() { _ = app.Close() })
			var kinds []string
			for line := range strings.SplitSeq(logs.String(), "\n") {
				if strings.Contains(line, `"msg":"audit"`) {
					_, rest, _ := strings.Cut(line, `"kind":"`)
					kind, _, _ := strings.Cut(rest, `"`)
					kinds = append(kinds, kind)
				}
			}
			got := strings.Join(kinds, ",")
			if on && !strings.Contains(got, "submitted,approved,running,succeeded") {
				t.Errorf("audit lines of a reset approved and run: %s", got)
			}
			if !on && len(kinds) > 0 {
				t.Errorf("audit lines with RESETBOT_AUDIT_LOG off: %s", got)
			}
		})
	}
}
