package metrics

import (
	"math"
	"strings"
	"testing"
)

func TestParseStatm(t *testing.T) {
	tests := []struct {
		name           string
		in             string
		size, resident uint64
		wantErr        string
	}{
		{"statm", "332800 5888 2400 3100 0 40000 0\n", 332800, 5888, ""},
		{"empty", "", 0, 0, "0 fields"},
		{"negative", "-1 2", 0, 0, "size"},
		{"bad resident", "1 two", 0, 0, "resident"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			size, resident, err := parseStatm([]byte(tt.in))
			checkErr(t, err, tt.wantErr)
			if size != tt.size || resident != tt.resident {
				t.Errorf("got %d %d, want %d %d", size, resident, tt.size, tt.resident)
			}
		})
	}
}

func TestParseMaxOpenFiles(t *testing.T) {
	const limits = "Limit                     Soft Limit           Hard Limit           Units     \n" +
		"Max cpu time              unlimited            unlimited            seconds   \n" +
		"Max open files            1024                 524288               files     \n" +
		"Max locked memory         8388608              8388608              bytes     \n"
	tests := []struct {
		name    string
		in      string
		want    float64
		wantErr string
	}{
		{"soft limit", limits, 1024, ""},
		{"unlimited", "Max open files            unlimited            unlimited            files\n", math.MaxUint64, ""},
		{"no line", "Max cpu time unlimited unlimited seconds\n", 0, "no Max open files line"},
		{"no value", "Max open files\n", 0, "has no value"},
		{"bad value", "Max open files  lots  lots  files\n", 0, "Max open files:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseMaxOpenFiles([]byte(tt.in))
			checkErr(t, err, tt.wantErr)
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseBootTime(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    uint64
		wantErr string
	}{
		{"btime", "cpu  1 2 3\ncpu0 1 2 3\nintr 5 0 0\nctxt 99\nbtime 1796519286\nprocesses 12\n", 1796519286, ""},
		{"none", "cpu  1 2 3\n", 0, "no btime line"},
		{"bad", "btime soon\n", 0, "btime:"},
		{"a long line first", "intr " + strings.Repeat("0 ", 100000) + "\nbtime 7\n", 7, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseBootTime([]byte(tt.in))
			checkErr(t, err, tt.wantErr)
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// checkErr fails t unless err says want, or is nil when want is "".
func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Fatalf("error %v, want one saying %q", err, want)
	}
}

func FuzzParseStatm(f *testing.F) {
	f.Add([]byte("332800 5888 2400 3100 0 40000 0\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		size, resident, err := parseStatm(b)
		if err != nil && (size != 0 || resident != 0) {
			t.Errorf("error %v with a result %d %d", err, size, resident)
		}
	})
}

func FuzzParseMaxOpenFiles(f *testing.F) {
	f.Add([]byte("Max open files            1024                 524288               files\n"))
	f.Add([]byte("Max open files unlimited unlimited files\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := parseMaxOpenFiles(b)
		if err != nil && n != 0 {
			t.Errorf("error %v with a result %v", err, n)
		}
		if n < 0 || math.IsNaN(n) {
			t.Errorf("limit %v", n)
		}
	})
}

func FuzzParseBootTime(f *testing.F) {
	f.Add([]byte("cpu 1 2\nbtime 1796519286\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := parseBootTime(b)
		if err != nil && n != 0 {
			t.Errorf("error %v with a result %v", err, n)
		}
	})
}
