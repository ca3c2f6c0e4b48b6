package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestRDSExample holds deploy/rds/main.tf to what the bot needs: IAM database authentication
// on, an rds-db:connect statement for the database user the Kubernetes overlay and the ECS
// task sign in as, and
// a store URL the configuration accepts with IAM authentication.
func TestRDSExample(t *testing.T) {
	b, err := os.ReadFile("../../deploy/rds/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	tf := string(b)
	for _, want := range []string{
		"iam_database_authentication_enabled = true",
		`Action   = "rds-db:connect"`,
		":dbuser:${aws_rds_cluster.resetbot.cluster_resource_id}/${var.db_user}",
		"GRANT rds_iam TO resetbot",
	} {
		if !strings.Contains(tf, want) {
			t.Errorf("deploy/rds/main.tf lacks %q", want)
		}
	}
	user := regexp.MustCompile(`variable "db_user" \{[^}]*default\s*=\s*"([^"]+)"`).FindStringSubmatch(tf)
	if user == nil {
		t.Fatal("deploy/rds/main.tf has no default db_user")
	}
	out := regexp.MustCompile(`value\s*=\s*"(postgres://[^"]+)"`).FindStringSubmatch(tf)
	if out == nil {
		t.Fatal("deploy/rds/main.tf has no resetbot_store output")
	}
	u, err := ParseStoreURL(strings.NewReplacer("${var.db_user}", user[1], "${aws_rds_cluster.resetbot.endpoint}", "db.example").Replace(out[1]))
	if err != nil {
		t.Fatalf("the resetbot_store output: %v", err)
	}
	if err := checkStoreAuth(&Config{Store: u, StoreIAMAuth: true}); err != nil {
		t.Errorf("the resetbot_store output with RESETBOT_STORE_IAM_AUTH: %v", err)
	}

	_, _, ecs := readECSTaskDefinition(t, "../../deploy/ecs-postgres/task-definition.json")
	if !strings.HasPrefix(ecs.Store.ConnString(), "postgres://"+user[1]+"@") {
		t.Errorf("the ECS task signs in as %s, the RDS example grants rds-db:connect to %s", ecs.Store, user[1])
	}

	var patch k8sPatch
	readYAML(t, k8sPostgresDir+"/deployment-patch.yaml", &patch)
	for _, e := range patch.Spec.Template.Spec.Containers[0].Env {
		if e.Name == "RESETBOT_STORE" && !strings.HasPrefix(e.Value, "postgres://"+user[1]+"@") {
			t.Errorf("the Kubernetes overlay signs in as %s, the RDS example grants rds-db:connect to %s", e.Value, user[1])
		}
	}
}
