package main

import (
	"encoding/json"
	"os"
	"path"
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
