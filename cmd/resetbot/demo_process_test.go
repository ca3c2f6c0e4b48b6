package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// demoProcess is `resetbot demo` running as a child process.
type demoProcess struct {
	cmd     *exec.Cmd
	url     string        // what it printed after "open "
	startup time.Duration // from starting the process to the printed URL
	tmp     string        // its TMPDIR
	exited  chan error

	mu     sync.Mutex
	stderr strings.Builder
}

// startDemoProcess starts the built binary's demo command on a free port, with extraEnv, and
// returns once it printed the page's URL.
func startDemoProcess(t *testing.T, extraEnv ...string) *demoProcess {
	t.Helper()
	bin := buildBinary(t)
	p := &demoProcess{tmp: t.TempDir(), exited: make(chan error, 1)}
	p.cmd = exec.Command(bin, "demo", "-addr", "127.0.0.1:0")
	p.cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TMPDIR=" + p.tmp}, extraEnv...)
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 4)
	var readers sync.WaitGroup
	readers.Go(func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	})
	readers.Go(func() {
		buf := make([]byte, 4096)
		for {
			n, err := stderr.Read(buf)
			p.mu.Lock()
			p.stderr.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	})
	go func() {
		readers.Wait()
		p.exited <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("resetbot demo's stderr:\n%s", p.Stderr())
		}
	})

	select {
	case line, ok := <-lines:
		if !ok {
			t.Fatalf("resetbot demo printed nothing and exited:\n%s", p.Stderr())
		}
		p.startup = time.Since(began)
		u, found := strings.CutPrefix(line, "open ")
		if !found {
			t.Fatalf("resetbot demo printed %q, want open http://…", line)
		}
		p.url = u
	case <-time.After(60 * time.Second):
		t.Fatalf("resetbot demo printed no URL within a minute:\n%s", p.Stderr())
	}
	go func() {
		for line := range lines {
			t.Errorf("resetbot demo printed a second line on stdout: %q", line)
		}
	}()
	return p
}

// Stderr is what the process wrote to stderr so far.
func (p *demoProcess) Stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// stop interrupts the process and returns its exit error.
func (p *demoProcess) stop(t *testing.T) error {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.exited:
		p.exited <- err // for the cleanup
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("resetbot demo did not stop within 30 s of SIGINT")
		return nil
	}
}

// stateBody fetches the page's state as a person sees it, as the raw JSON.
func (p *demoProcess) stateBody(ctx context.Context, t *testing.T, as string) string {
	t.Helper()
	return httpGet(ctx, t, p.url+"/api/state?as="+url.QueryEscape(as))
}

// httpGet fetches a URL and returns its body, failing the test on any status but 200.
func httpGet(ctx context.Context, t *testing.T, u string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", u, resp.Status, body)
	}
	return string(body)
}

// jsonForms are the ways a string can appear in a JSON body: as it is, JSON-escaped, and with
// Slack's mrkdwn escaping of &, < and >.
func jsonForms(s string) []string {
	b, _ := json.Marshal(s)
	slackEsc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
	b2, _ := json.Marshal(slackEsc)
	return []string{s, strings.Trim(string(b), `"`), slackEsc, strings.Trim(string(b2), `"`)}
}

// containsAny reports whether body holds any of the forms.
func containsAny(body string, forms []string) bool {
	for _, f := range forms {
		if strings.Contains(body, f) {
			return true
		}
	}
	return false
}

var errNoChromium = errors.New("no chromium on PATH")
