package main

import (
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// rdsCAFile is the file of RDS certificate authorities the replicas overlay makes a ConfigMap
// of; the platform engineer downloads it (kustomization.yaml and the README say from where).
const rdsCAFile = "rds-ca.pem"

// rdsCABundle is where AWS publishes the certificate authorities of every RDS region.
const rdsCABundle = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"

// k8sVolume is a pod volume as the replicas tests read it: a ConfigMap's, several ConfigMaps
// projected into one directory, a claim's, or (in a patch) a deletion.
type k8sVolume struct {
	Name      string  `yaml:"name"`
	Patch     string  `yaml:"$patch"`
	ConfigMap *k8sRef `yaml:"configMap"`
	Projected *struct {
		Sources []struct {
			ConfigMap *k8sRef `yaml:"configMap"`
		} `yaml:"sources"`
	} `yaml:"projected"`
	PersistentVolumeClaim *struct {
		ClaimName string `yaml:"claimName"`
	} `yaml:"persistentVolumeClaim"`
}

type k8sRef struct {
	Name string `yaml:"name"`
}

// configMaps are the ConfigMaps the volume shows.
func (v k8sVolume) configMaps() []string {
	var out []string
	if v.ConfigMap != nil {
		out = append(out, v.ConfigMap.Name)
	}
	if v.Projected != nil {
		for _, s := range v.Projected.Sources {
			if s.ConfigMap != nil {
				out = append(out, s.ConfigMap.Name)
			}
		}
	}
	return out
}

// k8sMount is a container's volume mount; in a patch, possibly a deletion.
type k8sMount struct {
	Name      string `yaml:"name"`
	MountPath string `yaml:"mountPath"`
	ReadOnly  bool   `yaml:"readOnly"`
	Patch     string `yaml:"$patch"`
}

// mountedFiles are the files the container sees from ConfigMaps, each with whether its mount
// is read-only; keys holds each ConfigMap's keys by name.
func mountedFiles(mounts []k8sMount, volumes []k8sVolume, keys map[string][]string) map[string]bool {
	byName := map[string]k8sVolume{}
	for _, v := range volumes {
		byName[v.Name] = v
	}
	files := map[string]bool{}
	for _, m := range mounts {
		for _, cm := range byName[m.Name].configMaps() {
			for _, k := range keys[cm] {
				files[path.Join(m.MountPath, k)] = m.ReadOnly
			}
		}
	}
	return files
}

// verifiedRootCert is the certificate authorities file of a PostgreSQL store that verifies
// the server's certificate and name (sslmode=verify-full); require encrypts but would talk to
// anyone who answers at the address.
func verifiedRootCert(t *testing.T, what string, store StoreURL) string {
	t.Helper()
	u, err := url.Parse(store.ConnString())
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	rootCert := u.Query().Get("sslrootcert")
	if mode := u.Query().Get("sslmode"); mode != "verify-full" || rootCert == "" {
		t.Fatalf("%s has sslmode=%s sslrootcert=%s, want verify-full against the RDS certificate authorities", what, mode, rootCert)
	}
	return rootCert
}

// k8sKustomization is the part of the replicas overlay's kustomization.yaml the tests read.
type k8sKustomization struct {
	Resources []string `yaml:"resources"`
	Patches   []struct {
		Path string `yaml:"path"`
	} `yaml:"patches"`
	ConfigMapGenerator []struct {
		Name  string   `yaml:"name"`
		Files []string `yaml:"files"`
	} `yaml:"configMapGenerator"`
}

// TestKubernetesReplicasVerifyTheDatabase: the replicas check the database's certificate and
// name against the RDS certificate authorities, which the overlay mounts read-only where the
// connection string says (a ConfigMap it generates from rds-ca.pem, projected beside the
// policy), and the policy stays where RESETBOT_POLICY_FILE says.
func TestKubernetesReplicasVerifyTheDatabase(t *testing.T) {
	base := loadK8s(t)
	var patch k8sPatch
	readYAML(t, filepath.Join(k8sPostgresDir, "deployment-patch.yaml"), &patch)
	cfg := k8sReplicasConfig(t, base["Deployment"], patch)
	rootCert := verifiedRootCert(t, "the overlay's RESETBOT_STORE", cfg.Store)

	var kust k8sKustomization
	readYAML(t, filepath.Join(k8sPostgresDir, "kustomization.yaml"), &kust)
	policyMap := base["ConfigMap"]
	keys := map[string][]string{policyMap.Metadata.Name: slices.Collect(maps.Keys(policyMap.Data))}
	generated := map[string]bool{}
	for _, g := range kust.ConfigMapGenerator {
		for _, f := range g.Files {
			key, file, named := strings.Cut(f, "=")
			if !named {
				key, file = path.Base(f), f
			}
			keys[g.Name] = append(keys[g.Name], key)
			generated[file] = true
		}
	}
	if !generated[rdsCAFile] {
		t.Errorf("the overlay's configMapGenerator makes nothing of %s", rdsCAFile)
	}
	if raw, err := os.ReadFile(filepath.Join(k8sPostgresDir, "kustomization.yaml")); err != nil || !strings.Contains(string(raw), rdsCABundle) {
		t.Errorf("kustomization.yaml does not say where %s comes from (%s): %v", rdsCAFile, rdsCABundle, err)
	}

	// The pod: the base's, with the patch's volumes and mounts over it.
	dep := base["Deployment"].Spec.Template.Spec
	patched := patch.Spec.Template.Spec
	var mounts []k8sMount
	for _, m := range dep.Containers[0].VolumeMounts {
		if !slices.ContainsFunc(patched.Containers[0].VolumeMounts, func(p k8sMount) bool { return p.MountPath == m.MountPath && p.Patch == "delete" }) {
			mounts = append(mounts, k8sMount{Name: m.Name, MountPath: m.MountPath, ReadOnly: m.ReadOnly})
		}
	}
	var volumes []k8sVolume
	for _, v := range dep.Volumes {
		i := slices.IndexFunc(patched.Volumes, func(p k8sVolume) bool { return p.Name == v.Name })
		switch {
		case i < 0:
			volumes = append(volumes, k8sVolume{Name: v.Name, ConfigMap: (*k8sRef)(v.ConfigMap)})
		case patched.Volumes[i].Patch != "delete":
			volumes = append(volumes, patched.Volumes[i])
		}
	}
	checkMounted(t, mountedFiles(mounts, volumes, keys), cfg.PolicyFile, rootCert)

	t.Run("kubectl kustomize", func(t *testing.T) {
		var (
			dep        k8sPatch
			configMaps = map[string][]string{}
		)
		for _, doc := range renderReplicasOverlay(t) {
			var o k8sRendered
			if err := yaml.Unmarshal([]byte(doc), &o); err != nil {
				t.Fatal(err)
			}
			switch o.Kind {
			case "ConfigMap":
				configMaps[o.Metadata.Name] = slices.Collect(maps.Keys(o.Data))
			case "Deployment":
				if err := yaml.Unmarshal([]byte(doc), &dep); err != nil {
					t.Fatal(err)
				}
			}
		}
		pod := dep.Spec.Template.Spec
		if len(pod.Containers) != 1 {
			t.Fatalf("the rendered Deployment has %d containers, want 1", len(pod.Containers))
		}
		for _, e := range pod.Containers[0].Env {
			if e.Name == "RESETBOT_STORE" && e.Value != cfg.Store.ConnString() {
				t.Errorf("the rendered RESETBOT_STORE is %s, want the patch's %s", e.Value, cfg.Store)
			}
		}
		checkMounted(t, mountedFiles(pod.Containers[0].VolumeMounts, pod.Volumes, configMaps), cfg.PolicyFile, rootCert)
	})
}

// checkMounted fails unless the policy and the certificate authorities are files the
// container sees, read-only.
func checkMounted(t *testing.T, files map[string]bool, policyFile, rootCert string) {
	t.Helper()
	for what, file := range map[string]string{"RESETBOT_POLICY_FILE": policyFile, "sslrootcert": rootCert} {
		readOnly, ok := files[file]
		switch {
		case !ok:
			t.Errorf("%s is %s, which no ConfigMap is mounted as (the pod sees %v)", what, file, slices.Sorted(maps.Keys(files)))
		case !readOnly:
			t.Errorf("%s is mounted writable; want readOnly", file)
		}
	}
}

// k8sRendered is the part of a rendered object the replicas tests read besides a
// Deployment's spec (read as a k8sPatch).
type k8sRendered struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Data map[string]string `yaml:"data"`
}

// renderReplicasOverlay is `kubectl kustomize deploy/kubernetes-postgres`, one document per
// object, run on a copy of deploy/ with a stand-in rds-ca.pem when there is none (it is
// downloaded at deploy time); it skips when kubectl is not installed.
func renderReplicasOverlay(t *testing.T) []string {
	t.Helper()
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not installed: the overlay is checked above without rendering it")
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../deploy")); err != nil {
		t.Fatal(err)
	}
	overlay := filepath.Join(dir, filepath.Base(k8sPostgresDir))
	ca := filepath.Join(overlay, rdsCAFile)
	if _, err := os.Stat(ca); os.IsNotExist(err) {
		if err := os.WriteFile(ca, []byte("a stand-in for the RDS certificate authorities\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(kubectl, "kustomize", overlay).Output()
	if err != nil {
		t.Fatalf("kubectl kustomize: %v", err)
	}
	return strings.Split(string(out), "\n---\n")
}
