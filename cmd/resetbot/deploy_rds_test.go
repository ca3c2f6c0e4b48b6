package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestRDSExample holds deploy/rds/main.tf to what the bot needs: IAM database authentication
// on, an rds-db:connect statement for the database user the Kubernetes overlay and the ECS
// task sign in as, and a store URL the configuration accepts with IAM authentication, over
// TLS that verifies the server against the certificate authorities where the ECS image and
// the Kubernetes pods have them.
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
	rootCert := verifiedRootCert(t, "the resetbot_store output", u)

	_, _, ecs := readECSTaskDefinition(t, "../../deploy/ecs-postgres/task-definition.json")
	var patch k8sPatch
	readYAML(t, k8sPostgresDir+"/deployment-patch.yaml", &patch)
	k8s := k8sReplicasConfig(t, loadK8s(t)["Deployment"], patch)
	for what, store := range map[string]StoreURL{"the ECS task": ecs.Store, "the Kubernetes overlay": k8s.Store} {
		if !strings.HasPrefix(store.ConnString(), "postgres://"+user[1]+"@") {
			t.Errorf("%s signs in as %s, the RDS example grants rds-db:connect to %s", what, store, user[1])
		}
		if got := verifiedRootCert(t, what+"'s RESETBOT_STORE", store); got != rootCert {
			t.Errorf("%s reads the certificate authorities from %s, the resetbot_store output from %s", what, got, rootCert)
		}
	}
}
