package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/resetbot/resetbot/internal/pgtest"
	"github.com/resetbot/resetbot/store/postgres"
)

// pgConfig is a configuration whose store is a fresh PostgreSQL schema.
func pgConfig(t *testing.T) Config {
	t.Helper()
	u, err := ParseStoreURL(pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	return Config{Store: u}
}

func TestCheckStorePostgres(t *testing.T) {
	cfg := pgConfig(t)
	p := &preflight{cfg: cfg, log: slog.New(slog.DiscardHandler)}

	got := p.checkStore(t.Context())
	if got.Status != checkPassed || !strings.Contains(got.Detail, "schema at version 0 of") || !strings.Contains(got.Detail, "resetbot store migrate") {
		t.Errorf("check of an empty database = %+v, want a pass that says serve migrates", got)
	}
	if strings.Contains(got.Name, passwordOf(t, cfg)) {
		t.Errorf("the check's name shows the password: %s", got.Name)
	}

	var out bytes.Buffer
	setEnv(t, validEnv())
	t.Setenv("RESETBOT_STORE", cfg.Store.ConnString())
	if code := dispatch(t.Context(), []string{"store", "migrate"}, &out, &out); code != exitOK {
		t.Fatalf("resetbot store migrate exited %d:\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "schema at version") || strings.Contains(out.String(), passwordOf(t, cfg)) {
		t.Errorf("resetbot store migrate printed:\n%s", out.String())
	}

	got = p.checkStore(t.Context())
	if got.Status != checkPassed || !strings.Contains(got.Detail, "writable, schema at version") {
		t.Errorf("check of a migrated database = %+v, want writable", got)
	}

	pgtest.Exec(t, cfg.Store.ConnString(), "INSERT INTO schema_version (version, name) VALUES (999, '0999_future.sql')")
	got = p.checkStore(t.Context())
	if got.Status != checkFailed || !strings.Contains(got.Detail, "newer than this resetbot knows") {
		t.Errorf("check of a newer schema = %+v, want a failure naming it", got)
	}
}

func TestCheckStorePostgresUnreachable(t *testing.T) {
	u, err := ParseStoreURL("postgres://bot:hunter22@127.0.0.1:1/resetbot?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	p := &preflight{cfg: Config{Store: u}, log: slog.New(slog.DiscardHandler)}
	got := p.checkStore(t.Context())
	if got.Status != checkFailed || !strings.Contains(got.Fix, "reachable") {
		t.Errorf("check of an unreachable database = %+v, want a failure saying what to fix", got)
	}
	for _, s := range []string{got.Name, got.Detail, got.Fix} {
		if strings.Contains(s, "hunter22") {
			t.Errorf("the check shows the password: %s", s)
		}
	}
}

// passwordOf is the password in the configuration's store URL.
func passwordOf(t *testing.T, cfg Config) string {
	t.Helper()
	pw := urlPassword(cfg.Store)
	if pw == "" {
		t.Fatal("the test cluster's URL has no password")
	}
	return pw
}

func TestCheckStoreAuth(t *testing.T) {
	for _, tt := range []struct {
		name, store string
		file        string
		iam         bool
		want        string
	}{
		{"sqlite plain", "sqlite:./x.db", "", false, ""},
		{"postgres plain", "postgres://bot@db/r", "", false, ""},
		{"postgres password file", "postgres://bot@db/r", "/run/secrets/pw", false, ""},
		{"postgres IAM", "postgres://bot@db/r?sslmode=verify-full", "", true, ""},
		{"password file on sqlite", "sqlite:./x.db", "/run/secrets/pw", false, "the store is not PostgreSQL"},
		{"IAM on sqlite", "sqlite:./x.db", "", true, "the store is not PostgreSQL"},
		{"IAM and a file", "postgres://bot@db/r?sslmode=require", "/run/secrets/pw", true, "both set"},
		{"IAM and a password", "postgres://bot:pw@db/r?sslmode=require", "", true, "holds a password"},
		{"IAM without TLS", "postgres://bot@db/r", "", true, "needs TLS"},
		{"IAM with TLS optional", "postgres://bot@db/r?sslmode=prefer", "", true, "needs TLS"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			u, err := ParseStoreURL(tt.store)
			if err != nil {
				t.Fatal(err)
			}
			err = checkStoreAuth(&Config{Store: u, StorePasswordFile: tt.file, StoreIAMAuth: tt.iam})
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("checkStoreAuth: %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("checkStoreAuth: %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestPasswordFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pw")
	read := passwordFromFile(path)
	if _, err := read(t.Context(), postgres.Endpoint{}); err == nil {
		t.Error("a missing file gave a password")
	}
	for _, content := range []string{"first\n", "second"} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := read(t.Context(), postgres.Endpoint{})
		if err != nil || got != strings.TrimSpace(content) {
			t.Errorf("password = %q, %v; want %q, read again for each connection", got, err, strings.TrimSpace(content))
		}
	}
	if err := os.WriteFile(path, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := read(t.Context(), postgres.Endpoint{}); err == nil || !strings.Contains(err.Error(), "is empty") {
		t.Errorf("an empty file: %v, want a refusal", err)
	}
}

// TestPostgresPasswordFileSignsIn: a role whose password is only in the file connects.
func TestPostgresPasswordFileSignsIn(t *testing.T) {
	url := pgtest.NewDatabase(t)
	botURL := pgtest.NewRole(t, url, "bot_file", "from-the-file")
	path := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(path, []byte("from-the-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	u, err := ParseStoreURL(botURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PGPASSWORD", "")
	st, err := openStore(t.Context(), Config{Store: u, StorePasswordFile: path}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("openStore: %v", err)
	}
	defer func() { _ = st.Close() }()
	if err := st.Ping(t.Context()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func TestIAMToken(t *testing.T) {
	creds := credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", "")
	token, err := iamToken("", creds)(t.Context(), postgres.Endpoint{Host: "bot.cluster-abc.eu-west-1.rds.amazonaws.com", Port: 5432, User: "resetbot"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"bot.cluster-abc.eu-west-1.rds.amazonaws.com:5432?", "Action=connect", "DBUser=resetbot", "X-Amz-Signature=", "eu-west-1%2Frds-db%2Faws4_request"} {
		if !strings.Contains(token, want) {
			t.Errorf("token lacks %q: %s", want, token)
		}
	}
	if _, err := iamToken("", aws.AnonymousCredentials{})(t.Context(), postgres.Endpoint{Host: "db.internal", Port: 5432, User: "x"}); err == nil || !strings.Contains(err.Error(), "AWS_REGION") {
		t.Errorf("a host with no region and no AWS_REGION: %v, want a refusal naming AWS_REGION", err)
	}
}

func TestRDSRegion(t *testing.T) {
	for host, want := range map[string]string{
		"bot.cluster-abc.eu-west-1.rds.amazonaws.com": "eu-west-1",
		"bot.abcdefgh.us-east-2.rds.amazonaws.com.":   "us-east-2",
		"db.internal":       "",
		"rds.amazonaws.com": "",
		"bot.cluster-abc.cn-north-1.rds.amazonaws.com.cn": "",
	} {
		if got := rdsRegion(host); got != want {
			t.Errorf("rdsRegion(%q) = %q, want %q", host, got, want)
		}
	}
}
