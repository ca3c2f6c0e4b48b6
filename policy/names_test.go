package policy

import "testing"

func TestJoinNames(t *testing.T) {
	pools := func(names ...string) []Pool {
		var out []Pool
		for _, n := range names {
			out = append(out, Pool{Name: n})
		}
		return out
	}
	tests := []struct {
		name  string
		pools []Pool
		want  string
	}{
		{"none", nil, "(none are defined)"},
		{"one", pools("prod"), "prod"},
		{"several, in order", pools("prod", "staging", "dev"), "prod, staging, dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PoolNames(tt.pools); got != tt.want {
				t.Errorf("PoolNames = %q, want %q", got, tt.want)
			}
		})
	}
	if got, want := JoinNames([]int{1, 2}, func(i int) string { return string(rune('a' + i)) }, "-"), "b, c"; got != want {
		t.Errorf("JoinNames = %q, want %q", got, want)
	}
}
