package metrics

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// parseStatm reads the program's size and its resident set (fields 1 and 2), in pages, from
// the text of /proc/PID/statm.
func parseStatm(b []byte) (size, resident uint64, err error) {
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0, 0, fmt.Errorf("statm: %d fields, want at least 2", len(f))
	}
	if size, err = strconv.ParseUint(f[0], 10, 64); err != nil {
		return 0, 0, fmt.Errorf("statm: size: %w", err)
	}
	if resident, err = strconv.ParseUint(f[1], 10, 64); err != nil {
		return 0, 0, fmt.Errorf("statm: resident: %w", err)
	}
	return size, resident, nil
}

// parseMaxOpenFiles reads the soft limit of open files from the text of /proc/PID/limits,
// "Max open files  1024  4096  files"; "unlimited" is the largest limit there is.
func parseMaxOpenFiles(b []byte) (float64, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "Max open files")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			return 0, errors.New("limits: Max open files has no value")
		}
		if f[0] == "unlimited" {
			return math.MaxUint64, nil
		}
		n, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("limits: Max open files: %w", err)
		}
		return float64(n), nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("limits: %w", err)
	}
	return 0, errors.New("limits: no Max open files line")
}

// parseBootTime reads when the machine booted, in seconds since 1970, from the btime line of
// /proc/stat.
func parseBootTime(b []byte) (uint64, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20) // the cpu and intr lines of a large machine are long
	for sc.Scan() {
		v, ok := strings.CutPrefix(sc.Text(), "btime ")
		if !ok {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("stat: btime: %w", err)
		}
		return n, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("stat: %w", err)
	}
	return 0, errors.New("stat: no btime line")
}
