package metrics

import (
	"os"
	"sync"

	"github.com/resetbot/resetbot/internal/procstat"
)

// procStats is what /proc says about the process at a scrape; a part whose file could not be
// read (another system than Linux) is left out with its families.
type procStats struct {
	cpuSeconds, startTime float64 // /proc/self/stat and /proc/stat's btime
	statOK                bool
	resident, virtual     float64 // bytes, /proc/self/statm
	statmOK               bool
	openFDs               float64 // entries of /proc/self/fd
	fdOK                  bool
	maxFDs                float64 // /proc/self/limits
	limitsOK              bool
}

// procReader reads /proc/self; the boot time, which never changes, it reads once.
type procReader struct {
	bootOnce sync.Once
	boot     uint64
	bootErr  error
}

func (r *procReader) read(s *procStats) {
	if b, err := os.ReadFile("/proc/self/stat"); err == nil {
		st, err := procstat.Parse(b)
		r.bootOnce.Do(func() {
			var b []byte
			if b, r.bootErr = os.ReadFile("/proc/stat"); r.bootErr == nil {
				r.boot, r.bootErr = parseBootTime(b)
			}
		})
		if err == nil && r.bootErr == nil {
			s.cpuSeconds = st.CPU().Seconds()
			s.startTime = float64(r.boot) + float64(st.StartTime)/procstat.ClockTicks
			s.statOK = true
		}
	}
	if b, err := os.ReadFile("/proc/self/statm"); err == nil {
		if size, resident, err := parseStatm(b); err == nil {
			page := float64(os.Getpagesize())
			s.virtual, s.resident, s.statmOK = float64(size)*page, float64(resident)*page, true
		}
	}
	if d, err := os.Open("/proc/self/fd"); err == nil {
		names, err := d.Readdirnames(-1)
		_ = d.Close() // read only
		s.openFDs, s.fdOK = float64(len(names)), err == nil
	}
	if b, err := os.ReadFile("/proc/self/limits"); err == nil {
		s.maxFDs, err = parseMaxOpenFiles(b)
		s.limitsOK = err == nil
	}
}

// processCollector serves the process's figures under the names Prometheus's Go client gives
// them: process_cpu_seconds_total, process_start_time_seconds, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds and process_max_fds.
type processCollector struct {
	read func(*procStats)
}

func (c processCollector) collect(fams []family) []family {
	var s procStats
	c.read(&s)
	one := func(name, help string, k kind, v float64) family {
		return family{desc: desc{name: name, help: help, kind: k}, series: []series{{value: v}}}
	}
	if s.statOK {
		fams = append(fams,
			one("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", counterKind, s.cpuSeconds),
			one("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", gaugeKind, s.startTime))
	}
	if s.statmOK {
		fams = append(fams,
			one("process_resident_memory_bytes", "Resident memory size in bytes.", gaugeKind, s.resident),
			one("process_virtual_memory_bytes", "Virtual memory size in bytes.", gaugeKind, s.virtual))
	}
	if s.fdOK {
		fams = append(fams, one("process_open_fds", "Number of open file descriptors.", gaugeKind, s.openFDs))
	}
	if s.limitsOK {
		fams = append(fams, one("process_max_fds", "Maximum number of open file descriptors.", gaugeKind, s.maxFDs))
	}
	return fams
}
