package metrics

import (
	"runtime"
	"runtime/debug"
	"time"
)

// goStats is what the Go runtime says at a scrape.
type goStats struct {
	version    string
	goroutines int
	threads    int
	maxProcs   int
	memLimit   int64
	mem        runtime.MemStats
	gc         debug.GCStats // PauseQuantiles: min, 25%, 50%, 75%, max
}

// readGoStats reads the runtime now; ReadMemStats stops the world for a moment, which a
// scrape every few seconds can afford.
func readGoStats(s *goStats) {
	s.version = runtime.Version()
	s.goroutines = runtime.NumGoroutine()
	s.threads, _ = runtime.ThreadCreateProfile(nil)
	s.maxProcs = runtime.GOMAXPROCS(0)
	s.memLimit = debug.SetMemoryLimit(-1) // a negative limit reads it without changing it
	runtime.ReadMemStats(&s.mem)
	s.gc.PauseQuantiles = make([]time.Duration, 5)
	debug.ReadGCStats(&s.gc)
}

// gcQuantiles are go_gc_duration_seconds' quantiles, those of debug.GCStats.PauseQuantiles
// with five entries.
var gcQuantiles = []float64{0, 0.25, 0.5, 0.75, 1}

// memStat is one go_memstats_ family and the runtime.MemStats field it serves.
type memStat struct {
	name, help string
	kind       kind
	value      func(*runtime.MemStats) float64
}

// memStats are the go_memstats_ families, named and typed as Prometheus's Go client serves them.
var memStats = []memStat{
	{"go_memstats_alloc_bytes", "Number of bytes allocated in heap and currently in use.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.Alloc) }},
	{"go_memstats_alloc_bytes_total", "Total number of bytes allocated in heap until now, even if released already.", counterKind, func(m *runtime.MemStats) float64 { return float64(m.TotalAlloc) }},
	{"go_memstats_buck_hash_sys_bytes", "Number of bytes used by the profiling bucket hash table.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.BuckHashSys) }},
	{"go_memstats_frees_total", "Total number of heap objects frees.", counterKind, func(m *runtime.MemStats) float64 { return float64(m.Frees) }},
	{"go_memstats_gc_sys_bytes", "Number of bytes used for garbage collection system metadata.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.GCSys) }},
	{"go_memstats_heap_alloc_bytes", "Number of heap bytes allocated and currently in use, same as go_memstats_alloc_bytes.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.HeapAlloc) }},
	{"go_memstats_heap_idle_bytes", "Number of heap bytes waiting to be used.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.HeapIdle) }},
	{"go_memstats_heap_inuse_bytes", "Number of heap bytes that are in use.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.HeapInuse) }},
	{"go_memstats_heap_objects", "Number of currently allocated objects.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.HeapObjects) }},
	{"go_memstats_heap_released_bytes", "Number of heap bytes released to OS.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.HeapReleased) }},
	{"go_memstats_heap_sys_bytes", "Number of heap bytes obtained from system.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.HeapSys) }},
	{"go_memstats_last_gc_time_seconds", "Number of seconds since 1970 of last garbage collection.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.LastGC) / 1e9 }},
	{"go_memstats_mallocs_total", "Total number of heap objects allocated, both live and gc-ed.", counterKind, func(m *runtime.MemStats) float64 { return float64(m.Mallocs) }},
	{"go_memstats_mcache_inuse_bytes", "Number of bytes in use by mcache structures.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.MCacheInuse) }},
	{"go_memstats_mcache_sys_bytes", "Number of bytes used for mcache structures obtained from system.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.MCacheSys) }},
	{"go_memstats_mspan_inuse_bytes", "Number of bytes in use by mspan structures.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.MSpanInuse) }},
	{"go_memstats_mspan_sys_bytes", "Number of bytes used for mspan structures obtained from system.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.MSpanSys) }},
	{"go_memstats_next_gc_bytes", "Number of heap bytes when next garbage collection will take place.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.NextGC) }},
	{"go_memstats_other_sys_bytes", "Number of bytes used for other system allocations.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.OtherSys) }},
	{"go_memstats_stack_inuse_bytes", "Number of bytes in use by the stack allocator.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.StackInuse) }},
	{"go_memstats_stack_sys_bytes", "Number of bytes obtained from system for stack allocator.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.StackSys) }},
	{"go_memstats_sys_bytes", "Number of bytes obtained from system.", gaugeKind, func(m *runtime.MemStats) float64 { return float64(m.Sys) }},
}

// goCollector serves the Go runtime's figures under the names Prometheus's Go client gives
// them: go_goroutines, go_threads, go_info, go_gc_duration_seconds, go_memstats_*,
// go_sched_gomaxprocs_threads and go_gc_gomemlimit_bytes.
type goCollector struct {
	read func(*goStats)
}

func (c goCollector) collect(fams []family) []family {
	var s goStats
	c.read(&s)
	gauge := func(name, help string, v float64) family {
		return family{desc: desc{name: name, help: help, kind: gaugeKind}, series: []series{{value: v}}}
	}
	quantiles := make([]float64, len(gcQuantiles))
	for i := range quantiles {
		if i < len(s.gc.PauseQuantiles) {
			quantiles[i] = s.gc.PauseQuantiles[i].Seconds()
		}
	}
	fams = append(fams,
		gauge("go_goroutines", "Number of goroutines that currently exist.", float64(s.goroutines)),
		gauge("go_threads", "Number of OS threads created.", float64(s.threads)),
		gauge("go_sched_gomaxprocs_threads", "The current runtime.GOMAXPROCS setting, or the number of operating system threads that can execute user-level Go code simultaneously.", float64(s.maxProcs)),
		gauge("go_gc_gomemlimit_bytes", "Go runtime memory limit configured by the user, otherwise math.MaxInt64. This value is set by the GOMEMLIMIT environment variable, and the runtime/debug.SetMemoryLimit function.", float64(s.memLimit)),
		family{
			desc:   desc{name: "go_info", help: "Information about the Go environment.", kind: gaugeKind, labels: []string{"version"}},
			series: []series{{labelValues: []string{s.version}, value: 1}},
		},
		family{
			desc: desc{name: "go_gc_duration_seconds", help: "A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.",
				kind: summaryKind, bounds: gcQuantiles},
			series: []series{{quantiles: quantiles, value: s.gc.PauseTotal.Seconds(), count: uint64(max(s.gc.NumGC, 0))}},
		},
	)
	for _, m := range memStats {
		fams = append(fams, family{desc: desc{name: m.name, help: m.help, kind: m.kind}, series: []series{{value: m.value(&s.mem)}}})
	}
	return fams
}
