package bot

import (
	"strings"
	"testing"
)

// BenchmarkParseCommand measures parsing a typical slash command and one at the input limit.
func BenchmarkParseCommand(b *testing.B) {
	long := `reset alice@example.com --pool prod --ticket SUP-123 --verified-by "video call" ` + strings.Repeat("locked out ", 80)
	for _, bc := range []struct{ name, text string }{
		{"typical", `reset alice@example.com --pool prod --ticket SUP-123 --verified-by callback "locked out after travel"`},
		{"long-reason", long[:900]},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.text)))
			for b.Loop() {
				if _, err := ParseCommand(bc.text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
