package loadtest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/resetbot/resetbot/internal/procstat"
)

// procStatus reads a process's resident memory now (VmRSS) and at its peak (VmHWM), in bytes.
func procStatus(pid int) (rss, peak int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, fmt.Errorf("reading the bot's memory: %w", err)
	}
	return parseStatus(b)
}

// parseStatus reads VmRSS and VmHWM from the text of /proc/PID/status.
func parseStatus(b []byte) (rss, peak int64, err error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			return 0, 0, fmt.Errorf("reading the bot's memory: unexpected %s line %q", k, sc.Text())
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || n < 0 || n > 1<<40 {
			return 0, 0, fmt.Errorf("reading the bot's memory: bad %s line %q", k, sc.Text())
		}
		if k == "VmRSS" {
			rss = n << 10
		} else {
			peak = n << 10
		}
	}
	return rss, peak, nil
}

// procCPU reads the CPU time a process has used, user and system.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("reading the CPU time of process %d: %w", pid, err)
	}
	return parseStat(b)
}

// parseStat reads the user and system CPU time from the text of /proc/PID/stat.
func parseStat(b []byte) (time.Duration, error) {
	s, err := procstat.Parse(b)
	if err != nil {
		return 0, fmt.Errorf("reading a process's CPU time: %w", err)
	}
	return s.CPU(), nil
}
