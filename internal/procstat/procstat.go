// Package procstat reads Linux's /proc/PID/stat: the CPU time a process has used and when it
// started, for the process's metrics and for the load tool's reading of the bot it runs.
package procstat

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ClockTicks is Linux's USER_HZ, the unit of /proc/PID/stat's times.
const ClockTicks = 100

// maxTicks bounds a time read, about 21 years: a larger one is not a process's, and two of them
// summed and turned into a time.Duration would overflow.
const maxTicks = 1 << 36

// Stat is what is read from /proc/PID/stat, in clock ticks.
type Stat struct {
	UTime, STime uint64 // CPU time in user and system mode
	StartTime    uint64 // when the process started, after boot
}

// CPU is the CPU time used, user and system.
func (s Stat) CPU() time.Duration {
	return time.Duration(s.UTime+s.STime) * (time.Second / ClockTicks)
}

// Parse reads utime, stime and starttime (fields 14, 15 and 22) from the text of
// /proc/PID/stat. The command name (field 2, in parentheses) may hold spaces and parentheses:
// the fields are counted from its last ')'. A time over maxTicks is refused.
func Parse(b []byte) (Stat, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return Stat{}, errors.New("stat: no ')' after the command name")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return Stat{}, fmt.Errorf("stat: %d fields after the command name, want at least 20", len(f))
	}
	var s Stat
	for _, v := range []struct {
		field int
		to    *uint64
	}{{14, &s.UTime}, {15, &s.STime}, {22, &s.StartTime}} {
		n, err := strconv.ParseUint(f[v.field-3], 10, 64)
		if err != nil {
			return Stat{}, fmt.Errorf("stat: field %d: %w", v.field, err)
		}
		if n > maxTicks {
			return Stat{}, fmt.Errorf("stat: field %d: %d ticks, more than %d", v.field, n, maxTicks)
		}
		*v.to = n
	}
	return s, nil
}
