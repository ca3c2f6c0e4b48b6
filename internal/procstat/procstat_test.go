package procstat

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// statLine is /proc/PID/stat of a process whose command name holds spaces and parentheses.
const statLine = "4242 (rb (x) y) S 1 4242 4242 0 -1 4194560 2339 0 0 0 153 47 0 0 20 0 9 0 8812345 1363148800 5888 18446744073709551615 1 1 0 0 0 0 0 0 2143420159 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n"

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Stat
		wantErr string
	}{
		{"command with spaces and parentheses", statLine, Stat{UTime: 153, STime: 47, StartTime: 8812345}, ""},
		{"no command", "4242 S 1", Stat{}, "no ')'"},
		{"short", "4242 (rb) S 1 2 3", Stat{}, "fields after the command name"},
		{"not a number", strings.Replace(statLine, " 153 ", " x ", 1), Stat{}, "field 14"},
		{"too large", strings.Replace(statLine, " 47 ", " 18446744073709551615 ", 1), Stat{}, "field 15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in))
			checkErr(t, err, tt.wantErr)
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("(-got +want):\n%s", diff)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(statLine))
	f.Add([]byte("1 ()) ) S"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Parse(b)
		if err != nil && s != (Stat{}) {
			t.Errorf("error %v with a result %+v", err, s)
		}
		if s.CPU() < 0 {
			t.Errorf("negative CPU time %s from %+v", s.CPU(), s)
		}
	})
}

func TestCPU(t *testing.T) {
	if got := (Stat{UTime: 250, STime: 130}).CPU(); got != 3800*time.Millisecond {
		t.Errorf("CPU = %s, want 3.8s (380 ticks)", got)
	}
}

// checkErr fails unless err says want, or is nil when want is "".
func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Fatalf("error %v, want one saying %q", err, want)
	}
}
