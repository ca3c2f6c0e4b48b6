package main

import (
	"encoding/json"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ecsTaskDefinition is the part of an ECS task definition these tests read.
type ecsTaskDefinition struct {
	Family                  string         `json:"family"`
	RequiresCompatibilities []string       `json:"requiresCompatibilities"`
	NetworkMode             string         `json:"networkMode"`
	TaskRoleArn             string         `json:"taskRoleArn"`
	ExecutionRoleArn        string         `json:"executionRoleArn"`
	ContainerDefinitions    []ecsContainer `json:"containerDefinitions"`
	Volumes                 []struct {
		Name string `json:"name"`
	} `json:"volumes"`
}

// secretsManagerJSONKey is how a task definition names one JSON key of a Secrets Manager secret:
// by the secret's full ARN, with the six characters Secrets Manager appends to its name.
var secretsManagerJSONKey = regexp.MustCompile(`^arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}:[^:]+::$`)

// ecsContainer is one container of an ecsTaskDefinition.
type ecsContainer struct {
	Name         string   `json:"name"`
	Image        string   `json:"image"`
	Essential    bool     `json:"essential"`
	Command      []string `json:"command"`
	PortMappings []struct {
		ContainerPort int `json:"containerPort"`
	} `json:"portMappings"`
	Environment []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"environment"`
	Secrets []struct {
		Name      string `json:"name"`
		ValueFrom string `json:"valueFrom"`
	} `json:"secrets"`
	MountPoints []struct {
		SourceVolume  string `json:"sourceVolume"`
		ContainerPath string `json:"containerPath"`
		ReadOnly      bool   `json:"readOnly"`
	} `json:"mountPoints"`
	HealthCheck *struct {
		Command     []string `json:"command"`
		Interval    int      `json:"interval"`
		Timeout     int      `json:"timeout"`
		Retries     int      `json:"retries"`
		StartPeriod int      `json:"startPeriod"`
	} `json:"healthCheck"`
	StopTimeout            int    `json:"stopTimeout"`
	User                   string `json:"user"`
	ReadonlyRootFilesystem bool   `json:"readonlyRootFilesystem"`
	LogConfiguration       struct {
		LogDriver string            `json:"logDriver"`
		Options   map[string]string `json:"options"`
	} `json:"logConfiguration"`
}

func TestECSTaskDefinitionIsConsistent(t *testing.T) {
	td, c, cfg := readECSTaskDefinition(t, "../../deploy/ecs-task-definition.json")

	volumes := map[string]bool{}
	for _, v := range td.Volumes {
		volumes[v.Name] = true
	}
	policyMounted, storeMounted := false, false
	for _, m := range c.MountPoints {
		if !volumes[m.SourceVolume] {
			t.Errorf("mount %s reads volume %q the task does not define", m.ContainerPath, m.SourceVolume)
		}
		if path.Dir(cfg.PolicyFile) == m.ContainerPath {
			policyMounted = true
		}
		if strings.HasPrefix(cfg.Store.Path, m.ContainerPath+"/") && !m.ReadOnly {
			storeMounted = true
		}
	}
	if !policyMounted {
		t.Errorf("RESETBOT_POLICY_FILE %s is on no mounted volume", cfg.PolicyFile)
	}
	if !storeMounted {
		t.Errorf("RESETBOT_STORE %s is on no writable mounted volume", cfg.Store)
	}
}

// readECSTaskDefinition reads the task definition at file and checks what every resetbot task
// needs: a task role, one container running as the distroless nonroot user on a read-only
// root, logs to an existing group, only variables resetbot reads, secrets from Secrets Manager
// or SSM, a stop timeout longer than the shutdown grace, and the port RESETBOT_HTTP_ADDR
// listens on. It returns the task, its container and the configuration the container gets.
func readECSTaskDefinition(t *testing.T, file string) (ecsTaskDefinition, ecsContainer, Config) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var td ecsTaskDefinition
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&td); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if !strings.HasPrefix(td.TaskRoleArn, "arn:aws:iam::") || !strings.Contains(td.TaskRoleArn, ":role/") {
		t.Errorf("taskRoleArn %q is not an IAM role ARN (the role carrying deploy/iam-policy.json)", td.TaskRoleArn)
	}
	if len(td.ContainerDefinitions) != 1 {
		t.Fatalf("%d containers, want 1", len(td.ContainerDefinitions))
	}
	c := td.ContainerDefinitions[0]
	if c.User != "65532:65532" {
		t.Errorf("container user %q, want 65532:65532 (distroless nonroot)", c.User)
	}
	if !c.ReadonlyRootFilesystem {
		t.Error("readonlyRootFilesystem is not true")
	}
	// awslogs-create-group needs logs:CreateLogGroup, which the managed task execution role
	// policy does not grant: the task would fail to start. The README creates the group.
	if _, ok := c.LogConfiguration.Options["awslogs-create-group"]; ok {
		t.Error("the log configuration sets awslogs-create-group, which needs logs:CreateLogGroup on the execution role; create the group beforehand instead")
	}
	if c.LogConfiguration.LogDriver != "awslogs" || c.LogConfiguration.Options["awslogs-group"] == "" {
		t.Errorf("log configuration %+v: want the awslogs driver with a group", c.LogConfiguration)
	}

	// The environment the process gets: plain values, and secrets given a valid token shape
	// (ECS fills them from Secrets Manager at start).
	env := map[string]string{}
	for _, e := range c.Environment {
		if !knownVariable(e.Name) {
			t.Errorf("environment %s is not a variable resetbot reads", e.Name)
		}
		env[e.Name] = e.Value
	}
	tokenShapes := map[string]string{
		"RESETBOT_SLACK_APP_TOKEN": "xapp-1-from-secrets-manager",
		"RESETBOT_SLACK_BOT_TOKEN": "xoxb-1-from-secrets-manager",
	}
	for _, s := range c.Secrets {
		shape, ok := tokenShapes[s.Name]
		if !ok {
			t.Errorf("secret %s is not a token resetbot reads", s.Name)
		}
		if !secretsManagerJSONKey.MatchString(s.ValueFrom) && !strings.HasPrefix(s.ValueFrom, "arn:aws:ssm:") {
			t.Errorf("secret %s comes from %q, not a key of a Secrets Manager secret named by its full ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-SUFFIX:KEY::) or SSM", s.Name, s.ValueFrom)
		}
		env[s.Name] = shape
	}
	cfg := configFrom(t, env)

	if grace := time.Duration(c.StopTimeout) * time.Second; grace <= cfg.ShutdownGrace {
		t.Errorf("stopTimeout %s is not longer than RESETBOT_SHUTDOWN_GRACE %s", grace, cfg.ShutdownGrace)
	}
	if len(c.PortMappings) != 1 || !strings.HasSuffix(cfg.HTTPAddr, ":"+strconv.Itoa(c.PortMappings[0].ContainerPort)) {
		t.Errorf("port mappings %+v do not match RESETBOT_HTTP_ADDR %s", c.PortMappings, cfg.HTTPAddr)
	}
	return td, c, cfg
}
