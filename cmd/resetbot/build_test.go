package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// dockerfile is the container recipe the binary is built by.
const dockerfile = "../../Dockerfile"

// testVersion is stamped into the binary the tests build.
const testVersion = "v0.0.0-test"

// buildRecipe is the Dockerfile's go build step: its environment and its arguments.
type buildRecipe struct {
	env  []string // NAME=value set on the RUN line
	args []string // go's arguments, "build" first
}

// dockerfileBuildRecipe reads the RUN line that runs go build from the Dockerfile.
func dockerfileBuildRecipe(t *testing.T) buildRecipe {
	t.Helper()
	for _, inst := range dockerfileInstructions(t) {
		if inst.cmd != "RUN" || !strings.Contains(inst.args, "go build") {
			continue
		}
		words := shellWords(t, inst.args)
		var r buildRecipe
		for i, w := range words {
			if w == "go" {
				r.args = words[i+1:]
				break
			}
			r.env = append(r.env, w)
		}
		return r
	}
	t.Fatal("the Dockerfile has no RUN ... go build line")
	return buildRecipe{}
}

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd  string
	args string
}

func dockerfileInstructions(t *testing.T) []instruction {
	t.Helper()
	return dockerfileInstructionsOf(t, dockerfile)
}

// dockerfileInstructionsOf reads the instructions of the Dockerfile at path.
func dockerfileInstructionsOf(t *testing.T, path string) []instruction {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []instruction
	var cur strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if cur.Len() == 0 && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if more, ok := strings.CutSuffix(line, `\`); ok {
			cur.WriteString(more + " ")
			continue
		}
		cur.WriteString(line)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)})
		cur.Reset()
	}
	return out
}

// shellWords splits a command line the way sh does for the quoting the Dockerfile uses
// (double quotes, no escapes inside them).
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var w strings.Builder
	inWord, quoted := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case (r == ' ' || r == '\t') && !quoted:
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quotes in %q", s)
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

var (
	buildOnce sync.Once
	builtPath string
	buildErr  error
	buildOut  []byte
)

// buildBinary builds resetbot once per test run by the Dockerfile's recipe, with VERSION set to
// testVersion and the output in a temporary directory, and returns the binary's path.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	r := dockerfileBuildRecipe(t)
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "resetbot-build-") //nolint:usetesting // one binary for every test of the run
		if err != nil {
			buildErr = err
			return
		}
		builtPath = filepath.Join(dir, "resetbot")
		args := make([]string, 0, len(r.args))
		for i := 0; i < len(r.args); i++ {
			a := strings.ReplaceAll(r.args[i], "${VERSION}", testVersion)
			switch {
			case a == "-o" && i+1 < len(r.args):
				args = append(args, "-o", builtPath)
				i++
			case a == "./cmd/resetbot":
				args = append(args, ".")
			default:
				args = append(args, a)
			}
		}
		cmd := exec.Command("go", args...)
		cmd.Env = append(os.Environ(), r.env...)
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build by the Dockerfile's recipe: %v\n%s", buildErr, buildOut)
	}
	return builtPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtPath != "" {
		os.RemoveAll(filepath.Dir(builtPath))
	}
	os.Exit(code)
}

func TestDockerfileRecipeIsStaticAndStamped(t *testing.T) {
	r := dockerfileBuildRecipe(t)
	line := strings.Join(append(r.env, r.args...), " ")
	for _, want := range []string{"CGO_ENABLED=0", "build", "-trimpath", "-s -w -X main.version=${VERSION}", "./cmd/resetbot"} {
		if !strings.Contains(line, want) {
			t.Errorf("the Dockerfile's build step %q lacks %q", line, want)
		}
	}
}

// TestStaticBinaryRunsWithoutLibc builds the binary as the Dockerfile does and checks that it
// needs no dynamic loader and no shared library — so it runs on distroless static, which has
// no libc — and that it runs and reports the stamped version.
func TestStaticBinaryRunsWithoutLibc(t *testing.T) {
	bin := buildBinary(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("opening the binary as ELF: %v", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the binary asks for a dynamic loader (PT_INTERP): it is not static")
		}
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatalf("reading DT_NEEDED: %v", err)
	}
	if len(libs) != 0 {
		t.Errorf("the binary needs shared libraries %v: it is not static", libs)
	}
	if syms, _ := f.Symbols(); len(syms) != 0 {
		t.Errorf("the binary keeps %d symbols: -s was not applied", len(syms))
	}

	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("resetbot version: %v\n%s", err, out)
	}
	if got, want := string(out), "resetbot "+testVersion+"\n"; got != want {
		t.Errorf("resetbot version = %q, want %q", got, want)
	}
	runInEmptyRoot(t, bin)
}

// runInEmptyRoot runs the binary chrooted into a directory that holds nothing else — no libc,
// no loader, no /etc — as on a distroless static image. Chroot needs CAP_SYS_CHROOT; without
// it the ELF checks above stand alone.
func runInEmptyRoot(t *testing.T, bin string) {
	t.Helper()
	root := t.TempDir()
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "resetbot"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/resetbot", "version")
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
	cmd.Dir = "/"
	cmd.Env = []string{}
	out, err := cmd.CombinedOutput()
	if errors.Is(err, syscall.EPERM) {
		t.Logf("no chroot permission; the binary's ELF headers show it is static: %v", err)
		return
	}
	if err != nil {
		t.Fatalf("resetbot version in an empty root: %v\n%s", err, out)
	}
	if got, want := string(out), "resetbot "+testVersion+"\n"; got != want {
		t.Errorf("resetbot version in an empty root = %q, want %q", got, want)
	}
}
