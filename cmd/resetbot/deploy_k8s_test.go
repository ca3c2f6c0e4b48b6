package main

import (
	"net"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/resetbot/resetbot/policy/policyfile"
)

const k8sDir = "../../deploy/kubernetes"

// k8sSecretFile shows the Secret with the Slack tokens; it is applied on its own, never by the
// kustomization.
const k8sSecretFile = "secret.yaml"

// k8sObject is the part of a Kubernetes object these tests read.
type k8sObject struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name        string            `yaml:"name"`
		Annotations map[string]string `yaml:"annotations"`
	} `yaml:"metadata"`
	// Secret, ConfigMap
	StringData map[string]string `yaml:"stringData"`
	Data       map[string]string `yaml:"data"`
	// Deployment, PersistentVolumeClaim
	Spec struct {
		Replicas    *int     `yaml:"replicas"`
		AccessModes []string `yaml:"accessModes"`
		Strategy    struct {
			Type string `yaml:"type"`
		} `yaml:"strategy"`
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template struct {
			Metadata struct {
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
			Spec podSpec `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type podSpec struct {
	ServiceAccountName            string `yaml:"serviceAccountName"`
	TerminationGracePeriodSeconds int    `yaml:"terminationGracePeriodSeconds"`
	SecurityContext               struct {
		RunAsNonRoot bool `yaml:"runAsNonRoot"`
		RunAsUser    int  `yaml:"runAsUser"`
		FSGroup      int  `yaml:"fsGroup"`
	} `yaml:"securityContext"`
	Containers []struct {
		Name  string   `yaml:"name"`
		Image string   `yaml:"image"`
		Args  []string `yaml:"args"`
		Ports []struct {
			Name          string `yaml:"name"`
			ContainerPort int    `yaml:"containerPort"`
		} `yaml:"ports"`
		Env []struct {
			Name      string `yaml:"name"`
			Value     string `yaml:"value"`
			ValueFrom *struct {
				SecretKeyRef *struct {
					Name string `yaml:"name"`
					Key  string `yaml:"key"`
				} `yaml:"secretKeyRef"`
			} `yaml:"valueFrom"`
		} `yaml:"env"`
		SecurityContext struct {
			ReadOnlyRootFilesystem   bool  `yaml:"readOnlyRootFilesystem"`
			AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
		} `yaml:"securityContext"`
		LivenessProbe  probe `yaml:"livenessProbe"`
		ReadinessProbe probe `yaml:"readinessProbe"`
		VolumeMounts   []struct {
			Name      string `yaml:"name"`
			MountPath string `yaml:"mountPath"`
			ReadOnly  bool   `yaml:"readOnly"`
		} `yaml:"volumeMounts"`
	} `yaml:"containers"`
	Volumes []struct {
		Name      string `yaml:"name"`
		ConfigMap *struct {
			Name string `yaml:"name"`
		} `yaml:"configMap"`
		PersistentVolumeClaim *struct {
			ClaimName string `yaml:"claimName"`
		} `yaml:"persistentVolumeClaim"`
	} `yaml:"volumes"`
}

type probe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port string `yaml:"port"`
	} `yaml:"httpGet"`
}

// loadK8s reads the kustomization, every object it lists and the Secret, keyed by kind.
func loadK8s(t *testing.T) map[string]k8sObject {
	t.Helper()
	var kust struct {
		Resources []string `yaml:"resources"`
	}
	readYAML(t, filepath.Join(k8sDir, "kustomization.yaml"), &kust)

	files, err := filepath.Glob(filepath.Join(k8sDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		base := filepath.Base(f)
		switch listed := slices.Contains(kust.Resources, base); {
		case base == k8sSecretFile && listed:
			// The README has the tokens put in with `kubectl create secret`; a Secret in the
			// kustomization would put its placeholders over them at every `kubectl apply -k`.
			t.Errorf("kustomization.yaml lists %s: `kubectl apply -k` would overwrite the tokens created with kubectl create secret", base)
		case base != "kustomization.yaml" && base != k8sSecretFile && !listed:
			t.Errorf("%s is not listed in kustomization.yaml", base)
		}
	}
	objs := map[string]k8sObject{}
	for _, r := range append(slices.Clone(kust.Resources), k8sSecretFile) {
		var o k8sObject
		readYAML(t, filepath.Join(k8sDir, r), &o)
		if o.APIVersion == "" || o.Kind == "" || o.Metadata.Name == "" {
			t.Errorf("%s lacks apiVersion, kind or metadata.name", r)
		}
		if _, dup := objs[o.Kind]; dup {
			t.Errorf("two objects of kind %s", o.Kind)
		}
		objs[o.Kind] = o
	}
	for _, kind := range []string{"Deployment", "Secret", "ConfigMap", "ServiceAccount", "PersistentVolumeClaim"} {
		if _, ok := objs[kind]; !ok {
			t.Errorf("no %s in deploy/kubernetes", kind)
		}
	}
	return objs
}

func readYAML(t *testing.T, file string, v any) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

func TestKubernetesManifestsAreConsistent(t *testing.T) {
	objs := loadK8s(t)
	dep := objs["Deployment"]
	pod := dep.Spec.Template.Spec

	if dep.Spec.Replicas == nil || *dep.Spec.Replicas != 1 {
		t.Errorf("Deployment replicas = %v, want 1 (the SQLite file has one writer)", dep.Spec.Replicas)
	}
	if dep.Spec.Strategy.Type != "Recreate" {
		t.Errorf("Deployment strategy %q, want Recreate (the old pod releases the volume first)", dep.Spec.Strategy.Type)
	}
	for k, v := range dep.Spec.Selector.MatchLabels {
		if dep.Spec.Template.Metadata.Labels[k] != v {
			t.Errorf("selector %s=%s does not match the pod's labels", k, v)
		}
	}
	if sa := objs["ServiceAccount"]; pod.ServiceAccountName != sa.Metadata.Name {
		t.Errorf("pod runs as service account %q, the manifest defines %q", pod.ServiceAccountName, sa.Metadata.Name)
	} else if arn := sa.Metadata.Annotations["eks.amazonaws.com/role-arn"]; !strings.HasPrefix(arn, "arn:aws:iam::") || !strings.Contains(arn, ":role/") {
		t.Errorf("ServiceAccount's IRSA annotation %q is not an IAM role ARN", arn)
	}
	if !pod.SecurityContext.RunAsNonRoot || pod.SecurityContext.RunAsUser != 65532 {
		t.Errorf("pod security context %+v, want non-root 65532 (distroless nonroot)", pod.SecurityContext)
	}
	if pod.SecurityContext.FSGroup != 65532 {
		t.Errorf("pod fsGroup %d, want 65532: the volume must be writable by the nonroot user", pod.SecurityContext.FSGroup)
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Containers))
	}
	c := pod.Containers[0]
	if sc := c.SecurityContext; !sc.ReadOnlyRootFilesystem || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Errorf("container security context %+v, want a read-only root and no privilege escalation", sc)
	}

	env := map[string]string{}
	for _, e := range c.Env {
		if !knownVariable(e.Name) {
			t.Errorf("env %s is not a variable resetbot reads", e.Name)
		}
		switch {
		case e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil:
			ref := e.ValueFrom.SecretKeyRef
			sec := objs["Secret"]
			if ref.Name != sec.Metadata.Name {
				t.Errorf("env %s reads Secret %q, the manifest defines %q", e.Name, ref.Name, sec.Metadata.Name)
			}
			val, ok := sec.StringData[ref.Key]
			if !ok {
				t.Errorf("env %s reads key %q the Secret does not have", e.Name, ref.Key)
			}
			env[e.Name] = val
		default:
			env[e.Name] = e.Value
		}
	}
	cfg := configFrom(t, env)

	httpPort := 0
	for _, p := range c.Ports {
		if p.Name == "http" {
			httpPort = p.ContainerPort
		}
	}
	if _, p, _ := net.SplitHostPort(cfg.HTTPAddr); p != strconv.Itoa(httpPort) {
		t.Errorf("container port http is %d, RESETBOT_HTTP_ADDR is %s", httpPort, cfg.HTTPAddr)
	}
	for name, p := range map[string]struct {
		probe probe
		path  string
	}{"liveness": {c.LivenessProbe, "/healthz"}, "readiness": {c.ReadinessProbe, "/readyz"}} {
		if p.probe.HTTPGet.Path != p.path || p.probe.HTTPGet.Port != "http" {
			t.Errorf("%s probe %+v, want GET %s on port http", name, p.probe.HTTPGet, p.path)
		}
	}
	if grace := time.Duration(pod.TerminationGracePeriodSeconds) * time.Second; grace <= cfg.ShutdownGrace {
		t.Errorf("terminationGracePeriodSeconds %s is not longer than RESETBOT_SHUTDOWN_GRACE %s", grace, cfg.ShutdownGrace)
	}

	mounts := map[string]string{} // volume → mount path
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m.MountPath
	}
	for _, v := range pod.Volumes {
		switch {
		case v.ConfigMap != nil:
			cm := objs["ConfigMap"]
			if v.ConfigMap.Name != cm.Metadata.Name {
				t.Errorf("volume %s mounts ConfigMap %q, the manifest defines %q", v.Name, v.ConfigMap.Name, cm.Metadata.Name)
			}
			if dir, file := path.Split(cfg.PolicyFile); path.Clean(dir) != mounts[v.Name] {
				t.Errorf("RESETBOT_POLICY_FILE %s is not in the ConfigMap's mount %s", cfg.PolicyFile, mounts[v.Name])
			} else if doc, ok := cm.Data[file]; !ok {
				t.Errorf("the ConfigMap has no key %q for RESETBOT_POLICY_FILE", file)
			} else if _, err := policyfile.Parse([]byte(doc), "configmap.yaml"); err != nil {
				t.Errorf("the ConfigMap's policy does not load:\n%v", err)
			}
		case v.PersistentVolumeClaim != nil:
			pvc := objs["PersistentVolumeClaim"]
			if v.PersistentVolumeClaim.ClaimName != pvc.Metadata.Name {
				t.Errorf("volume %s claims %q, the manifest defines %q", v.Name, v.PersistentVolumeClaim.ClaimName, pvc.Metadata.Name)
			}
			if !strings.HasPrefix(cfg.Store.Path, mounts[v.Name]+"/") {
				t.Errorf("RESETBOT_STORE %s is not on the volume mounted at %s", cfg.Store, mounts[v.Name])
			}
		}
		if _, ok := mounts[v.Name]; !ok {
			t.Errorf("volume %s is not mounted", v.Name)
		}
	}
}

// knownVariable reports whether resetbot (or the AWS SDK's default chain) reads the variable.
func knownVariable(name string) bool {
	if strings.HasPrefix(name, "AWS_") {
		return true
	}
	for _, v := range configVars() {
		if v.Key == name {
			return true
		}
	}
	return false
}

// configFrom loads the configuration from exactly env, as the process would.
func configFrom(t *testing.T, env map[string]string) Config {
	t.Helper()
	clearEnv(t)
	setEnv(t, env)
	cfg, err := LoadConfig()
	if err != nil {
		t.Fatalf("the example's environment is not a valid configuration:\n%v", err)
	}
	return cfg
}
