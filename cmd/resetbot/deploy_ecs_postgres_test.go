package main

import (
	"encoding/json"
	"os"
	"path"
	"slices"
	"strings"
	"testing"
	"time"
)

const ecsPostgresDir = "../../deploy/ecs-postgres"

// TestECSReplicasTask holds deploy/ecs-postgres/task-definition.json to the configuration and
// to the image it runs: no volume at all (no EFS), the store on PostgreSQL with IAM
// authentication over TLS that verifies the server against the RDS certificate authorities,
// the policy and those authorities where deploy/ecs-postgres/Dockerfile puts them, and a
// health check that asks /readyz with `resetbot ready` and outlasts a database failover.
func TestECSReplicasTask(t *testing.T) {
	file := path.Join(ecsPostgresDir, "task-definition.json")
	td, c, cfg := readECSTaskDefinition(t, file)
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToLower(string(raw)), "efs") || len(td.Volumes) != 0 || len(c.MountPoints) != 0 {
		t.Errorf("the task has volumes %+v and mounts %+v, want none: several tasks share PostgreSQL, not a file system", td.Volumes, c.MountPoints)
	}

	if cfg.Store.Scheme != "postgres" || !cfg.StoreIAMAuth {
		t.Fatalf("the task's store is %s with IAM authentication %v, want PostgreSQL with IAM", cfg.Store, cfg.StoreIAMAuth)
	}
	rootCert := verifiedRootCert(t, "the task's RESETBOT_STORE", cfg.Store)

	// The image: the policy and the certificate authorities copied where the task reads them,
	// the policy checked while building, and no change of user.
	copied := map[string]bool{}
	policyChecked := false
	for _, in := range dockerfileInstructionsOf(t, path.Join(ecsPostgresDir, "Dockerfile")) {
		switch in.cmd {
		case "FROM":
			if in.args != "${RESETBOT_IMAGE}" {
				t.Errorf("FROM %s, want FROM ${RESETBOT_IMAGE}: the policy goes on top of the resetbot image", in.args)
			}
		case "COPY":
			f := strings.Fields(in.args)
			dest := f[len(f)-1]
			for _, src := range f[:len(f)-1] {
				if !strings.HasPrefix(src, "--") {
					copied[path.Join(dest, src)] = true
				}
			}
		case "RUN":
			var argv []string
			if err := json.Unmarshal([]byte(in.args), &argv); err != nil {
				t.Errorf("RUN %s is not in exec form: the distroless image has no shell", in.args)
			}
			policyChecked = policyChecked || slices.Equal(argv, []string{resetbotBinary(t), "policy", "check", "-f", cfg.PolicyFile})
		case "USER":
			t.Errorf("USER %s: the image keeps the nonroot user of the resetbot image", in.args)
		}
	}
	for _, want := range []string{cfg.PolicyFile, rootCert} {
		if !copied[want] {
			t.Errorf("the Dockerfile copies %v, not %s, which the task reads", copied, want)
		}
	}
	if !policyChecked {
		t.Errorf("the Dockerfile does not run `resetbot policy check -f %s`: a broken policy would fail the deploy, not the build", cfg.PolicyFile)
	}

	hc := c.HealthCheck
	if hc == nil {
		t.Fatal("no health check: ECS would count a task that is not connected to Slack as healthy and stop the old one")
	}
	if want := []string{"CMD", resetbotBinary(t), "ready"}; !slices.Equal(hc.Command, want) {
		t.Errorf("health check %q, want %q", hc.Command, want)
	}
	if !slices.ContainsFunc(commands(), func(c command) bool { return c.name == "ready" }) {
		t.Error("resetbot has no ready command")
	}
	if time.Duration(hc.Timeout)*time.Second <= readyTimeout {
		t.Errorf("health check timeout %ds is not longer than resetbot ready's %s", hc.Timeout, readyTimeout)
	}
	// /readyz says 503 while the database fails over (about 30 s on Aurora): ECS must not
	// replace every task for it.
	if d := time.Duration(hc.Interval*hc.Retries) * time.Second; d < 60*time.Second {
		t.Errorf("health check interval %ds × %d retries = %s: a database failover would make ECS replace the tasks; want a minute or more", hc.Interval, hc.Retries, d)
	}
}

// TestECSReplicasService holds deploy/ecs-postgres/service.json to the task: two tasks or
// more, a deployment that starts the new tasks before it stops an old one, on the task's
// family and launch type, in two subnets or more.
func TestECSReplicasService(t *testing.T) {
	td, _, _ := readECSTaskDefinition(t, path.Join(ecsPostgresDir, "task-definition.json"))
	var svc struct {
		TaskDefinition          string `json:"taskDefinition"`
		DesiredCount            int    `json:"desiredCount"`
		LaunchType              string `json:"launchType"`
		DeploymentConfiguration struct {
			MinimumHealthyPercent *int `json:"minimumHealthyPercent"`
			MaximumPercent        int  `json:"maximumPercent"`
		} `json:"deploymentConfiguration"`
		NetworkConfiguration struct {
			AwsvpcConfiguration struct {
				Subnets []string `json:"subnets"`
			} `json:"awsvpcConfiguration"`
		} `json:"networkConfiguration"`
	}
	data, err := os.ReadFile(path.Join(ecsPostgresDir, "service.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &svc); err != nil {
		t.Fatalf("service.json: %v", err)
	}
	if svc.DesiredCount < 2 {
		t.Errorf("desiredCount %d, want 2 or more", svc.DesiredCount)
	}
	dc := svc.DeploymentConfiguration
	if dc.MinimumHealthyPercent == nil || *dc.MinimumHealthyPercent != 100 || dc.MaximumPercent != 200 {
		t.Errorf("deploymentConfiguration %+v, want minimumHealthyPercent 100 and maximumPercent 200: new tasks healthy before an old one stops", dc)
	}
	if svc.TaskDefinition != td.Family {
		t.Errorf("the service runs %q, the task definition's family is %q", svc.TaskDefinition, td.Family)
	}
	if !slices.Contains(td.RequiresCompatibilities, svc.LaunchType) {
		t.Errorf("launch type %q is not one the task is compatible with (%v)", svc.LaunchType, td.RequiresCompatibilities)
	}
	if len(svc.NetworkConfiguration.AwsvpcConfiguration.Subnets) < 2 {
		t.Errorf("subnets %v: want two or more, in different zones", svc.NetworkConfiguration.AwsvpcConfiguration.Subnets)
	}
}

// resetbotBinary is where the resetbot image keeps the binary: its ENTRYPOINT.
func resetbotBinary(t *testing.T) string {
	t.Helper()
	for _, in := range dockerfileInstructions(t) {
		if in.cmd == "ENTRYPOINT" {
			var argv []string
			if err := json.Unmarshal([]byte(in.args), &argv); err != nil || len(argv) != 1 {
				t.Fatalf("ENTRYPOINT %s, want the binary alone in exec form", in.args)
			}
			return argv[0]
		}
	}
	t.Fatal("the Dockerfile has no ENTRYPOINT")
	return ""
}
