package sqlite

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrInUse is the error of Open when another process has the database open.
var ErrInUse = errors.New("the database is in use by another process")

// lockPath is the lock file of the database at abs: beside it, in the directory that must be
// writable anyway.
func lockPath(abs string) string { return abs + ".lock" }

// lock takes an exclusive lock (flock) on the database's lock file and writes this process's id
// in it. The lock is held for as long as the returned file is open and goes with the process,
// however it ends. SQLite's own locks let a second process write the same file, which would
// break what one store promises (a claim on a run, a rate limit); several replicas need
// PostgreSQL.
func lock(abs string) (*os.File, error) {
	path := lockPath(abs)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := readHolder(f)
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w (%s is locked%s): one SQLite database serves one resetbot process; "+
				"stop the other one, or run several replicas on PostgreSQL", ErrInUse, path, holder)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, nil
}

// readHolder says which process holds the lock, as it wrote in the file. The holder writes
// its id just after it takes the lock, so an empty file is read again a few times.
func readHolder(f *os.File) string {
	b := make([]byte, 32)
	for range 10 {
		n, _ := f.ReadAt(b, 0)
		pid := strings.TrimSpace(string(b[:n]))
		if _, err := strconv.Atoi(pid); err == nil {
			return " by process " + pid
		}
		time.Sleep(10 * time.Millisecond)
	}
	return ""
}
