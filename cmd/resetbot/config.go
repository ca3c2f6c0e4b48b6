package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/kelseyhightower/envconfig"

	"github.com/resetbot/resetbot/internal/secret"
)

// envPrefix is the prefix of every variable resetbot reads.
const envPrefix = "RESETBOT"

// Config is everything resetbot reads from the environment. The help text and the README's
// table are generated from these tags: name (envconfig), default, desc, and mandatory for the
// variables serve and check cannot run without. AWS credentials and region come from the SDK's
// default chain (AWS_REGION, AWS_PROFILE, IRSA, ECS task role, …) and are not listed here.
type Config struct {
	SlackAppToken          secret.Secret `envconfig:"SLACK_APP_TOKEN" mandatory:"true" desc:"App-level token (xapp-…) with the connections:write scope, for Socket Mode."`
	SlackBotToken          secret.Secret `envconfig:"SLACK_BOT_TOKEN" mandatory:"true" desc:"Bot token (xoxb-…) of the app installed in the workspace."`
	PolicyFile             string        `envconfig:"POLICY_FILE" mandatory:"true" desc:"Path of the policy file (YAML). SIGHUP reloads it."`
	Store                  StoreURL      `envconfig:"STORE" default:"sqlite:./resetbot.db" desc:"Where requests and the audit trail are kept: sqlite:PATH for one process, or postgres://USER@HOST:PORT/DATABASE?sslmode=verify-full for several replicas (a password in it, in PGPASSWORD or in RESETBOT_STORE_PASSWORD_FILE)."`
	StorePasswordFile      string        `envconfig:"STORE_PASSWORD_FILE" desc:"PostgreSQL: a file holding the database password (a mounted secret), read again for each new connection."`
	StoreIAMAuth           bool          `envconfig:"STORE_IAM_AUTH" default:"false" desc:"PostgreSQL on Amazon RDS or Aurora: sign in with an IAM authentication token from the bot's AWS role, fresh for each new connection, so no database password exists. Needs sslmode=require or stricter."`
	Command                string        `envconfig:"COMMAND" default:"/cognito" desc:"The slash command, as configured in the Slack app."`
	HTTPAddr               string        `envconfig:"HTTP_ADDR" default:":8080" desc:"Listen address of /healthz, /readyz and /metrics."`
	LogLevel               slog.Level    `envconfig:"LOG_LEVEL" default:"info" desc:"debug, info, warn or error."`
	LogFormat              LogFormat     `envconfig:"LOG_FORMAT" default:"json" desc:"json or text."`
	DryRun                 bool          `envconfig:"DRY_RUN" default:"false" desc:"Run the whole flow but only read from Cognito; every message says DRY RUN."`
	AuditLog               bool          `envconfig:"AUDIT_LOG" default:"true" desc:"Also write every audit event as one log line (\"msg\":\"audit\", its fields at the top level) for SIEM pipelines; the store stays the record of truth."`
	ShutdownGrace          time.Duration `envconfig:"SHUTDOWN_GRACE" default:"30s" desc:"How long a SIGTERM waits for running Cognito actions to finish."`
	SweepInterval          time.Duration `envconfig:"SWEEP_INTERVAL" default:"30s" desc:"How often each replica looks for requests to expire or remind, for runs whose lease ran out and for cards left behind their request."`
	RunLease               time.Duration `envconfig:"RUN_LEASE" default:"2m" desc:"How long a run holds its claim on a request: its Cognito calls must start within it, and a run whose replica died is reported interrupted once it has passed."`
	PermanentPasswordDMTTL time.Duration `envconfig:"PERMANENT_PASSWORD_DM_TTL" default:"15m" desc:"How long a permanent password sent by direct message stays before the bot deletes it; 0 keeps it. A restart before then leaves it in place."`
	SlackAPIURL            string        `envconfig:"SLACK_API_URL" desc:"Base URL of the Slack Web API; empty means Slack itself. For tests and local fakes."`
	CognitoEndpoint        string        `envconfig:"COGNITO_ENDPOINT" desc:"Endpoint of the Cognito API; empty means AWS. For tests and local fakes."`
	Workers                int           `envconfig:"WORKERS" default:"512" desc:"How much of the work Slack's envelopes start (Slack, Cognito and store calls) runs at once; the rest waits its turn."`
	WorkQueue              int           `envconfig:"WORK_QUEUE" default:"10000" desc:"How much work may wait for a worker; when it is full, reading Slack's envelopes waits."`
	MemoryLimitMiB         int           `envconfig:"MEMORY_LIMIT_MIB" default:"88" desc:"Soft memory limit of the Go runtime, in MiB (GOMEMLIMIT wins when set); 0 for none."`
	Profiling              bool          `envconfig:"PPROF" default:"false" desc:"Serve Go's profiler (net/http/pprof) under /debug/pprof/ on RESETBOT_HTTP_ADDR."`
}

// LogFormat is how log lines are written.
type LogFormat string

// The log formats.
const (
	LogJSON LogFormat = "json"
	LogText LogFormat = "text"
)

// Decode checks the format (envconfig.Decoder).
func (f *LogFormat) Decode(v string) error {
	switch LogFormat(strings.ToLower(v)) {
	case LogJSON, LogText:
		*f = LogFormat(strings.ToLower(v))
		return nil
	}
	return fmt.Errorf("log format %q is not json or text", v)
}

// LoadConfig reads the configuration from the environment and checks it. Every problem is
// reported, each naming its variable and how to fix it.
func LoadConfig() (Config, error) {
	c, problems := readConfig()
	if len(problems) > 0 {
		return Config{}, joinProblems(problems)
	}
	return c, nil
}

// configProblem is one thing wrong with the configuration, and the variables it is about.
type configProblem struct {
	keys    []string
	err     error
	missing bool // a mandatory variable is not set
}

func joinProblems(problems []configProblem) error {
	errs := make([]error, len(problems))
	for i, p := range problems {
		errs[i] = p.err
	}
	return errors.Join(errs...)
}

// readConfig reads the configuration from the environment as far as it can, and returns every
// problem. Each variable is read on its own, so one that does not parse is reported with the
// others and left at its zero value: check still runs what does not need it.
func readConfig() (Config, []configProblem) {
	// Most starts have no variable that fails to parse: read them all at once, as reading each
	// on its own builds a one-field struct type per variable, which costs a fresh process about
	// half a millisecond before it can connect.
	var c Config
	if envconfig.Process(envPrefix, &c) == nil {
		return c, c.problems()
	}
	return readEachVariable()
}

// readEachVariable is readConfig reading each variable on its own, so that every one that does
// not parse is reported.
func readEachVariable() (Config, []configProblem) {
	var c Config
	var problems []configProblem
	unread := map[string]bool{}
	v := reflect.ValueOf(&c).Elem()
	for _, f := range reflect.VisibleFields(v.Type()) {
		one := reflect.New(reflect.StructOf([]reflect.StructField{{Name: f.Name, Type: f.Type, Tag: f.Tag}}))
		if err := envconfig.Process(envPrefix, one.Interface()); err != nil {
			key := envPrefix + "_" + f.Tag.Get("envconfig")
			var pe *envconfig.ParseError
			if errors.As(err, &pe) {
				err = fmt.Errorf("%s: %w", pe.KeyName, pe.Err)
			} else {
				err = fmt.Errorf("reading %s: %w", key, err)
			}
			problems = append(problems, configProblem{keys: []string{key}, err: err})
			unread[key] = true
			continue
		}
		v.FieldByIndex(f.Index).Set(one.Elem().Field(0))
	}
	// A variable that did not parse is not checked again at its zero value.
	for _, p := range c.problems() {
		if !slices.ContainsFunc(p.keys, func(k string) bool { return unread[k] }) {
			problems = append(problems, p)
		}
	}
	return c, problems
}

// Validate checks what the types alone do not: mandatory values, token prefixes, the command,
// the listen address and the endpoint overrides.
func (c *Config) Validate() error { return joinProblems(c.problems()) }

// problems is what Validate finds, each with the variables it is about.
func (c *Config) problems() []configProblem {
	var out []configProblem
	add := func(err error, keys ...string) {
		if err != nil {
			out = append(out, configProblem{keys: keys, err: err})
		}
	}
	for _, v := range configVars() {
		if v.Mandatory && reflect.ValueOf(c).Elem().FieldByName(v.Field).IsZero() {
			out = append(out, configProblem{keys: []string{v.Key}, err: fmt.Errorf("%s is not set: %s", v.Key, v.Desc), missing: true})
		}
	}
	add(checkToken("RESETBOT_SLACK_APP_TOKEN", c.SlackAppToken, "xapp-",
		"the app-level token is on the app's Basic Information page, under App-Level Tokens"), "RESETBOT_SLACK_APP_TOKEN")
	add(checkToken("RESETBOT_SLACK_BOT_TOKEN", c.SlackBotToken, "xoxb-",
		"the bot token is on the app's OAuth & Permissions page, under Bot User OAuth Token"), "RESETBOT_SLACK_BOT_TOKEN")
	if !strings.HasPrefix(c.Command, "/") || len(c.Command) < 2 || strings.ContainsAny(c.Command, " \t") {
		add(fmt.Errorf("RESETBOT_COMMAND %q is not a slash command: write it like /cognito", c.Command), "RESETBOT_COMMAND")
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		add(fmt.Errorf("RESETBOT_HTTP_ADDR %q is not host:port (e.g. :8080): %w", c.HTTPAddr, err), "RESETBOT_HTTP_ADDR")
	}
	if c.Workers < 1 {
		add(fmt.Errorf("RESETBOT_WORKERS %d is below 1", c.Workers), "RESETBOT_WORKERS")
	}
	if c.WorkQueue < 1 {
		add(fmt.Errorf("RESETBOT_WORK_QUEUE %d is below 1", c.WorkQueue), "RESETBOT_WORK_QUEUE")
	}
	if c.MemoryLimitMiB < 0 {
		add(fmt.Errorf("RESETBOT_MEMORY_LIMIT_MIB %d is negative (0 means no limit)", c.MemoryLimitMiB), "RESETBOT_MEMORY_LIMIT_MIB")
	}
	if c.SweepInterval <= 0 {
		add(fmt.Errorf("RESETBOT_SWEEP_INTERVAL %s must be positive", c.SweepInterval), "RESETBOT_SWEEP_INTERVAL")
	}
	if c.RunLease < 10*time.Second {
		add(fmt.Errorf("RESETBOT_RUN_LEASE %s is shorter than 10s, too short for a Cognito call and its retries", c.RunLease), "RESETBOT_RUN_LEASE")
	}
	if c.ShutdownGrace < 0 {
		add(fmt.Errorf("RESETBOT_SHUTDOWN_GRACE %s is negative", c.ShutdownGrace), "RESETBOT_SHUTDOWN_GRACE")
	}
	add(checkStoreAuth(c), "RESETBOT_STORE", "RESETBOT_STORE_PASSWORD_FILE", "RESETBOT_STORE_IAM_AUTH")
	add(checkURL("RESETBOT_SLACK_API_URL", c.SlackAPIURL), "RESETBOT_SLACK_API_URL")
	add(checkURL("RESETBOT_COGNITO_ENDPOINT", c.CognitoEndpoint), "RESETBOT_COGNITO_ENDPOINT")
	return out
}

// checkToken checks a token's prefix without ever printing the token.
func checkToken(key string, s secret.Secret, prefix, where string) error {
	switch {
	case s.Empty():
		return nil
	case !strings.HasPrefix(s.Reveal(), prefix):
		return fmt.Errorf("%s does not start with %s: %s", key, prefix, where)
	case strings.IndexFunc(s.Reveal(), unicode.IsSpace) >= 0:
		return fmt.Errorf("%s holds white space, which no token has: copy the token alone; %s", key, where)
	}
	return nil
}

// checkURL checks an optional absolute http(s) URL.
func checkURL(key, s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s %q is not an http(s) URL", key, s)
	}
	return nil
}

// SlackAPIBase returns the Web API base URL in the form slack-go expects (ending in a slash),
// or "" for Slack itself.
func (c *Config) SlackAPIBase() string {
	if c.SlackAPIURL == "" || strings.HasSuffix(c.SlackAPIURL, "/") {
		return c.SlackAPIURL
	}
	return c.SlackAPIURL + "/"
}

// unknownVariables lists the RESETBOT_ variables in environ that resetbot does not read:
// most likely typos (RESETBOT_DRYRUN), which would otherwise be ignored in silence.
func unknownVariables(environ []string) []string {
	known := map[string]bool{}
	for _, v := range configVars() {
		known[v.Key] = true
	}
	var unknown []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, envPrefix+"_") && !known[k] {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	return unknown
}

// configVar is one variable, as the help text and README show it.
type configVar struct {
	Key       string
	Field     string
	Default   string
	Desc      string
	Mandatory bool
}

// configVars lists Config's variables in declaration order, from the struct's tags.
func configVars() []configVar {
	t := reflect.TypeFor[Config]()
	vars := make([]configVar, 0, t.NumField())
	for f := range t.Fields() {
		vars = append(vars, configVar{
			Key:       envPrefix + "_" + f.Tag.Get("envconfig"),
			Field:     f.Name,
			Default:   f.Tag.Get("default"),
			Desc:      f.Tag.Get("desc"),
			Mandatory: f.Tag.Get("mandatory") == "true",
		})
	}
	return vars
}
