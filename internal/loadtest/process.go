package loadtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// Build compiles cmd/resetbot into dir as the Dockerfile and the README build the binary
// people run — static (CGO_ENABLED=0), without symbol tables (-s -w) — and returns its path.
// moduleDir is the repository's root (where go.mod is).
func Build(ctx context.Context, moduleDir, dir string) (string, error) {
	out := filepath.Join(dir, "resetbot")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, "./cmd/resetbot")
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building resetbot: %w\n%s", err, b)
	}
	return out, nil
}

// botProcess is the resetbot process under load.
type botProcess struct {
	cmd     *exec.Cmd
	started time.Time
	done    chan struct{} // closed when the process has ended
	err     error         // how it ended; read after done
}

// startBot starts the binary with env (added to a clean environment), its stderr in logPath.
func startBot(binary string, env []string, logPath string) (*botProcess, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("the bot's log: %w", err)
	}
	cmd := exec.Command(binary, "serve")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"AWS_ACCESS_KEY_ID=loadtest", "AWS_SECRET_ACCESS_KEY=loadtest", "AWS_REGION=eu-west-1", "AWS_EC2_METADATA_DISABLED=true"}, env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	p := &botProcess{cmd: cmd, done: make(chan struct{})}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("starting the bot: %w", err)
	}
	go func() {
		p.err = cmd.Wait()
		_ = logFile.Close()
		close(p.done)
	}()
	return p, nil
}

func (p *botProcess) pid() int { return p.cmd.Process.Pid }

// stop sends SIGTERM and waits for the process to end, killing it after grace.
func (p *botProcess) stop(grace time.Duration) error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stopping the bot: %w", err)
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-p.done:
		var ee *exec.ExitError
		if errors.As(p.err, &ee) {
			return fmt.Errorf("the bot exited with %d", ee.ExitCode())
		}
		return p.err
	case <-t.C:
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("the bot did not stop within %s; killed", grace)
	}
}
