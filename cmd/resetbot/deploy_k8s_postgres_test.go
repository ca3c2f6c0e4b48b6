package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

const k8sPostgresDir = "../../deploy/kubernetes-postgres"

// k8sPatch is the part of the replicas overlay's Deployment patch these tests read.
type k8sPatch struct {
	Spec struct {
		Replicas int `yaml:"replicas"`
		Strategy struct {
			Type          string `yaml:"type"`
			RollingUpdate struct {
				MaxUnavailable *int `yaml:"maxUnavailable"`
			} `yaml:"rollingUpdate"`
		} `yaml:"strategy"`
		Template struct {
			Spec struct {
				Containers []struct {
					Name string `yaml:"name"`
					Env  []struct {
						Name  string `yaml:"name"`
						Value string `yaml:"value"`
					} `yaml:"env"`
					VolumeMounts []k8sMount `yaml:"volumeMounts"`
				} `yaml:"containers"`
				Volumes []k8sVolume `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// TestKubernetesReplicasOverlay holds deploy/kubernetes-postgres to the single-replica layout
// it patches and to the configuration: two replicas, a rolling update that never lowers the
// ready count, a disruption budget on the same pods, no volume, and a PostgreSQL store the
// configuration accepts.
func TestKubernetesReplicasOverlay(t *testing.T) {
	base := loadK8s(t)
	dep := base["Deployment"]
	var kust k8sKustomization
	readYAML(t, filepath.Join(k8sPostgresDir, "kustomization.yaml"), &kust)
	if !slices.Contains(kust.Resources, "../kubernetes") || !slices.Contains(kust.Resources, "pdb.yaml") {
		t.Errorf("the overlay's resources %v, want ../kubernetes and pdb.yaml", kust.Resources)
	}
	patches := map[string]bool{}
	for _, p := range kust.Patches {
		patches[p.Path] = true
	}
	if !patches["deployment-patch.yaml"] || !patches["pvc-delete.yaml"] {
		t.Fatalf("the overlay's patches %v, want deployment-patch.yaml and pvc-delete.yaml", kust.Patches)
	}

	var patch k8sPatch
	readYAML(t, filepath.Join(k8sPostgresDir, "deployment-patch.yaml"), &patch)
	if patch.Spec.Replicas < 2 {
		t.Errorf("replicas %d, want 2 or more", patch.Spec.Replicas)
	}
	if s := patch.Spec.Strategy; s.Type != "RollingUpdate" || s.RollingUpdate.MaxUnavailable == nil || *s.RollingUpdate.MaxUnavailable != 0 {
		t.Errorf("strategy %+v, want RollingUpdate with maxUnavailable 0", s)
	}

	var pdb struct {
		Kind string `yaml:"kind"`
		Spec struct {
			MinAvailable int `yaml:"minAvailable"`
			Selector     struct {
				MatchLabels map[string]string `yaml:"matchLabels"`
			} `yaml:"selector"`
		} `yaml:"spec"`
	}
	readYAML(t, filepath.Join(k8sPostgresDir, "pdb.yaml"), &pdb)
	if pdb.Kind != "PodDisruptionBudget" || pdb.Spec.MinAvailable < 1 || pdb.Spec.MinAvailable >= patch.Spec.Replicas {
		t.Errorf("PodDisruptionBudget %+v, want minAvailable at least 1 and below the replicas", pdb)
	}
	for k, v := range pdb.Spec.Selector.MatchLabels {
		if dep.Spec.Template.Metadata.Labels[k] != v {
			t.Errorf("the budget's selector %s=%s does not match the pods' labels", k, v)
		}
	}

	var pvc struct {
		Kind     string `yaml:"kind"`
		Metadata struct {
			Name string `yaml:"name"`
		} `yaml:"metadata"`
	}
	readYAML(t, filepath.Join(k8sPostgresDir, "pvc-delete.yaml"), &pvc)
	if pvc.Kind != "PersistentVolumeClaim" || pvc.Metadata.Name != base["PersistentVolumeClaim"].Metadata.Name {
		t.Errorf("pvc-delete.yaml deletes %s %q, want the base's claim %q", pvc.Kind, pvc.Metadata.Name, base["PersistentVolumeClaim"].Metadata.Name)
	}

	if len(patch.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("the patch changes %d containers, want 1", len(patch.Spec.Template.Spec.Containers))
	}
	c := patch.Spec.Template.Spec.Containers[0]
	cfg := k8sReplicasConfig(t, dep, patch)
	if cfg.Store.Scheme != "postgres" || !cfg.StoreIAMAuth {
		t.Errorf("the overlay's store is %s with IAM authentication %v, want PostgreSQL with IAM", cfg.Store, cfg.StoreIAMAuth)
	}

	// Every volume but the policy's is gone, with its mount.
	for _, v := range dep.Spec.Template.Spec.Volumes {
		if v.PersistentVolumeClaim != nil && !slices.ContainsFunc(patch.Spec.Template.Spec.Volumes, func(p k8sVolume) bool { return p.Name == v.Name && p.Patch == "delete" }) {
			t.Errorf("the patch keeps the volume %s", v.Name)
		}
	}
	for _, m := range dep.Spec.Template.Spec.Containers[0].VolumeMounts {
		if m.Name != "policy" && !slices.ContainsFunc(c.VolumeMounts, func(p k8sMount) bool { return p.MountPath == m.MountPath && p.Patch == "delete" }) {
			t.Errorf("the patch keeps the mount %s", m.MountPath)
		}
	}

	t.Run("kubectl kustomize", func(t *testing.T) {
		docs := renderReplicasOverlay(t)
		kinds := map[string]int{}
		for _, doc := range docs {
			var o struct {
				Kind string `yaml:"kind"`
			}
			if err := yaml.Unmarshal([]byte(doc), &o); err != nil {
				t.Fatal(err)
			}
			kinds[o.Kind]++
		}
		if kinds["PersistentVolumeClaim"] != 0 || kinds["Deployment"] != 1 || kinds["PodDisruptionBudget"] != 1 {
			t.Errorf("rendered kinds %v, want one Deployment, one PodDisruptionBudget, no claim", kinds)
		}
		if out := strings.Join(docs, "\n---\n"); strings.Contains(out, "$patch") || strings.Contains(out, "persistentVolumeClaim") {
			t.Errorf("the rendered overlay keeps a patch directive or the volume:\n%s", out)
		}
	})
}

// k8sReplicasConfig is the configuration of the overlay's pods: the base's environment, with
// the patch's values over it.
func k8sReplicasConfig(t *testing.T, dep k8sObject, patch k8sPatch) Config {
	t.Helper()
	env := map[string]string{}
	for _, e := range dep.Spec.Template.Spec.Containers[0].Env {
		env[e.Name] = e.Value
		if e.ValueFrom != nil {
			env[e.Name] = map[string]string{"app-token": "xapp-1-A0-1-x", "bot-token": "xoxb-1-2-x"}[e.ValueFrom.SecretKeyRef.Key]
		}
	}
	for _, e := range patch.Spec.Template.Spec.Containers[0].Env {
		env[e.Name] = e.Value
	}
	return configFrom(t, env)
}
