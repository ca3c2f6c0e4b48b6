package main

import (
	"encoding/json"
	goversion "go/version"
	"os"
	"path"
	"slices"
	"strings"
	"testing"
)

func TestDockerfileImage(t *testing.T) {
	insts := dockerfileInstructions(t)
	var froms []string
	env := map[string]string{}
	var volumes []string
	user := ""
	for _, in := range insts {
		switch in.cmd {
		case "FROM":
			froms = append(froms, in.args)
		case "HEALTHCHECK":
			t.Errorf("the Dockerfile has a HEALTHCHECK; orchestrators probe /healthz and /readyz instead")
		case "ENV":
			for _, kv := range shellWords(t, in.args) {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					t.Errorf("ENV %q is not KEY=value", kv)
				}
				if !knownVariable(k) {
					t.Errorf("ENV %s is not a variable resetbot reads", k)
				}
				env[k] = v
			}
		case "VOLUME":
			if err := json.Unmarshal([]byte(in.args), &volumes); err != nil {
				t.Errorf("VOLUME %s is not a JSON list: %v", in.args, err)
			}
		case "USER":
			user = in.args
		}
	}
	if len(froms) < 2 || !strings.HasSuffix(froms[0], " AS build") {
		t.Errorf("FROM lines %q: want a multi-stage build with a build stage", froms)
	}
	if final := froms[len(froms)-1]; !strings.HasPrefix(final, "gcr.io/distroless/static") || !strings.HasSuffix(final, ":nonroot") {
		t.Errorf("final stage FROM %s, want distroless static nonroot", final)
	}
	if user != "nonroot:nonroot" {
		t.Errorf("USER %q, want nonroot:nonroot", user)
	}

	env["RESETBOT_SLACK_APP_TOKEN"] = "xapp-1-given-at-run-time"
	env["RESETBOT_SLACK_BOT_TOKEN"] = "xoxb-1-given-at-run-time"
	cfg := configFrom(t, env)
	if len(volumes) != 1 || path.Dir(cfg.Store.Path) != volumes[0] {
		t.Errorf("VOLUME %q does not hold RESETBOT_STORE %s", volumes, cfg.Store)
	}
	// A named volume starts as a copy of the image's directory, owner included: the nonroot
	// user must own it, or the SQLite file cannot be created.
	owned := false
	for _, in := range insts {
		f := strings.Fields(in.args)
		if in.cmd == "COPY" && len(volumes) == 1 && len(f) > 0 && f[len(f)-1] == volumes[0] &&
			(slices.Contains(f, "--chown=65532:65532") || slices.Contains(f, "--chown=nonroot:nonroot")) {
			owned = true
		}
	}
	if !owned {
		t.Errorf("no COPY --chown=65532:65532 creates the volume %q: the nonroot user could not write the store", volumes)
	}

	ignore, err := os.ReadFile("../../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	for _, must := range []string{"go.mod", "go.sum", "cmd"} {
		for line := range strings.SplitSeq(string(ignore), "\n") {
			if strings.TrimPrefix(strings.TrimSpace(line), "/") == must {
				t.Errorf(".dockerignore leaves %s out of the build context", must)
			}
		}
	}
}

// TestDockerfileGoSatisfiesGoMod checks that the build stage's Go is at least the go.mod's go
// (and toolchain) line, so the image never has to fetch a toolchain while building.
func TestDockerfileGoSatisfiesGoMod(t *testing.T) {
	var goVersion, from string
	for _, in := range dockerfileInstructions(t) {
		switch {
		case in.cmd == "ARG" && strings.HasPrefix(in.args, "GO_VERSION="):
			goVersion = strings.TrimPrefix(in.args, "GO_VERSION=")
		case in.cmd == "FROM" && strings.HasSuffix(in.args, " AS build"):
			from = strings.TrimSuffix(in.args, " AS build")
		}
	}
	if from != "golang:${GO_VERSION}" || goVersion == "" {
		t.Fatalf("build stage FROM %q with ARG GO_VERSION=%q: want FROM golang:${GO_VERSION} and the version pinned", from, goVersion)
	}
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(mod), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 || (f[0] != "go" && f[0] != "toolchain") {
			continue
		}
		need := strings.TrimPrefix(f[1], "go")
		if goversion.Compare("go"+goVersion, "go"+need) < 0 {
			t.Errorf("the Dockerfile builds with Go %s, but go.mod's %s line asks for %s", goVersion, f[0], need)
		}
	}
	if !goversion.IsValid("go" + goVersion) {
		t.Errorf("ARG GO_VERSION=%s is not a Go release", goVersion)
	}
}
