package main

import (
	"os"
	"strings"
	"testing"

	"github.com/resetbot/resetbot/internal/golden"
)

const (
	examplePolicy = "../../deploy/policy.example.yaml"
	configMapFile = k8sDir + "/configmap.yaml"
)

// renderPolicyConfigMap is the ConfigMap that carries the example policy, byte for byte.
func renderPolicyConfigMap(policyYAML string) string {
	var b strings.Builder
	b.WriteString(`# The policy file, mounted at /etc/resetbot/policy.yaml. This is deploy/policy.example.yaml;
# replace it with your own (resetbot policy check -f policy.yaml first), then
#   kubectl rollout restart deployment/resetbot
# (the pod reads the file at start; SIGHUP reloads it without a restart).
# Generated: go test ./cmd/resetbot -run TestPolicyConfigMapIsTheExample -update
apiVersion: v1
kind: ConfigMap
metadata:
  name: resetbot-policy
data:
  policy.yaml: |
`)
	for line := range strings.SplitSeq(strings.TrimRight(policyYAML, "\n"), "\n") {
		if line == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString("    " + line + "\n")
	}
	return b.String()
}

func TestPolicyConfigMapIsTheExample(t *testing.T) {
	example, err := os.ReadFile(examplePolicy)
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, configMapFile, []byte(renderPolicyConfigMap(string(example))))

	var cm k8sObject
	readYAML(t, configMapFile, &cm)
	if cm.Data["policy.yaml"] != strings.TrimRight(string(example), "\n")+"\n" {
		t.Errorf("the ConfigMap's policy.yaml, as YAML reads it, differs from the example")
	}
}
