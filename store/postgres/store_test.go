package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/pgtest"
	"github.com/resetbot/resetbot/policy"
	"github.com/resetbot/resetbot/store/postgres"
)

var t0 = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

func request(id, requester, user string) *approval.Request {
	return &approval.Request{
		ID: id, State: approval.StatePending, Team: "T1", Channel: "C1", Requester: requester,
		Pool:   policy.Pool{Name: "prod", ID: "eu-west-1_Prod1", Region: "eu-west-1"},
		Action: policy.ActionReset, Target: approval.Target{Ref: user, Username: user, Sub: "sub-" + user},
		CreatedAt: t0, UpdatedAt: t0, ExpiresAt: t0.Add(time.Hour),
	}
}

// TestCreateLimitedAcrossProcesses races creates from many pools at once, as replicas would:
// never more than the limit passes.
func TestCreateLimitedAcrossProcesses(t *testing.T) {
	url := pgtest.NewDatabase(t)
	const replicas, perReplica, max = 4, 10, 7
	dbs := make([]*postgres.DB, replicas)
	for i := range dbs {
		dbs[i] = open(t, postgres.Config{URL: url, MaxConns: 4})
	}
	limits := []approval.Limit{{Scope: approval.LimitTarget, Max: max, Since: t0.Add(-time.Hour)}}
	var stored, refused atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, replicas*perReplica)
	for i := range replicas * perReplica {
		wg.Go(func() {
			r := request(fmt.Sprintf("r-%02d", i), fmt.Sprintf("U%02d", i), "alice")
			err := dbs[i%replicas].CreateLimited(t.Context(), r, limits,
				approval.Event{At: t0, Actor: r.Requester, Kind: "submitted"})
			var le *approval.LimitError
			switch {
			case err == nil:
				stored.Add(1)
			case errors.As(err, &le):
				refused.Add(1)
			default:
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("CreateLimited: %v", err)
	}
	if stored.Load() != max || refused.Load() != replicas*perReplica-max {
		t.Errorf("%d stored, %d refused; want %d and %d", stored.Load(), refused.Load(), max, replicas*perReplica-max)
	}
	n, err := dbs[0].CountByTarget(t.Context(), "eu-west-1_Prod1", "alice", time.Time{})
	if err != nil || n != max {
		t.Errorf("CountByTarget = %d, %v; want %d", n, err, max)
	}
}

// TestAuditRowsAreAppendOnly: no role, the superuser included, changes or removes an event.
func TestAuditRowsAreAppendOnly(t *testing.T) {
	url := pgtest.NewDatabase(t)
	db := open(t, postgres.Config{URL: url})
	if err := db.Append(t.Context(), approval.Event{RequestID: "r-1", At: t0, Actor: "U1", Kind: "submitted"}); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(t.Context()) })
	for _, sql := range []string{
		"UPDATE events SET kind = 'approved'",
		"DELETE FROM events",
		"TRUNCATE events",
	} {
		_, err := conn.Exec(t.Context(), sql)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: error %v, want the append-only refusal", sql, err)
		}
	}
	es, err := db.Events(t.Context(), "r-1")
	if err != nil || len(es) != 1 || es[0].Kind != "submitted" {
		t.Errorf("Events after the attempts = %+v, %v; want the one event as written", es, err)
	}
}

// TestMigrateAtOnce opens the store from several processes on a new database at once: each
// migration is applied once, and every one opens.
func TestMigrateAtOnce(t *testing.T) {
	url := pgtest.NewDatabase(t)
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 3 {
		wg.Go(func() {
			db, err := postgres.Open(t.Context(), postgres.Config{URL: url}, discard())
			if err != nil {
				errs <- err
				return
			}
			_ = db.Close()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Open: %v", err)
	}
	db := open(t, postgres.Config{URL: url, SkipMigrate: true})
	got, known, err := db.SchemaVersion(t.Context())
	if err != nil || got != known || known < 1 {
		t.Errorf("SchemaVersion = %d of %d, %v; want every migration", got, known, err)
	}
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(t.Context()) }()
	var rows, distinct int
	if err := conn.QueryRow(t.Context(), "SELECT count(*), count(DISTINCT version) FROM schema_version").Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != known || distinct != known {
		t.Errorf("schema_version has %d rows (%d versions), want %d", rows, distinct, known)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	url := pgtest.NewDatabase(t)
	_ = open(t, postgres.Config{URL: url})
	pgtest.Exec(t, url, "INSERT INTO schema_version (version, name) VALUES (999, '0999_future.sql')")
	_, err := postgres.Open(t.Context(), postgres.Config{URL: url}, discard())
	if err == nil || !strings.Contains(err.Error(), "newer than this resetbot knows") {
		t.Fatalf("Open of a newer schema: %v, want a refusal naming the cause", err)
	}
}

func TestSchemaVersionOfAnEmptyDatabase(t *testing.T) {
	db := open(t, postgres.Config{SkipMigrate: true})
	got, known, err := db.SchemaVersion(t.Context())
	if err != nil || got != 0 || known < 1 {
		t.Errorf("SchemaVersion = %d of %d, %v; want 0", got, known, err)
	}
	if err := db.Ping(t.Context()); err == nil {
		t.Error("Ping of an unmigrated database passed")
	}
}

// TestStatementTimeout: a write that waits on a lock another session holds gives up after the
// statement timeout, with the database-unavailable message, instead of hanging the request.
func TestStatementTimeout(t *testing.T) {
	url := pgtest.NewDatabase(t)
	db := open(t, postgres.Config{URL: url, StatementTimeout: 300 * time.Millisecond})
	r := request("r-1", "U1", "alice")
	if err := db.Create(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(t.Context()) }()
	tx, err := conn.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(t.Context()) }()
	if _, err := tx.Exec(t.Context(), "SELECT 1 FROM requests WHERE id = 'r-1' FOR UPDATE"); err != nil {
		t.Fatal(err)
	}
	err = db.Update(t.Context(), r, approval.Event{At: t0, Actor: "U2", Kind: "approved"})
	if got := approval.ErrorMessage(err); !strings.Contains(got, "database is not answering") {
		t.Errorf("Update under a held lock: %v (message %q), want the database-unavailable message", err, got)
	}
	if r.Version != 1 {
		t.Errorf("a failed Update moved the version to %d", r.Version)
	}
}

// TestPasswordPerConnection: the Password function gives each new connection its password,
// as a password file or an IAM token provider does.
func TestPasswordPerConnection(t *testing.T) {
	url := pgtest.NewDatabase(t)
	botURL := pgtest.NewRole(t, url, "bot_pw", "right-horse")
	var calls atomic.Int32
	db := open(t, postgres.Config{URL: botURL, Password: func(context.Context, postgres.Endpoint) (string, error) {
		calls.Add(1)
		return "right-horse", nil
	}})
	if err := db.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if calls.Load() == 0 {
		t.Error("the Password function was never called")
	}
	_, err := postgres.Open(t.Context(), postgres.Config{URL: botURL, Password: func(context.Context, postgres.Endpoint) (string, error) {
		return "", errors.New("no token today")
	}}, discard())
	if err == nil || !strings.Contains(err.Error(), "no token today") {
		t.Errorf("Open with a failing Password: %v, want its reason", err)
	}
}

func TestOpenRefusesBadConnectionStringWithoutEchoingIt(t *testing.T) {
	_, err := postgres.Open(t.Context(), postgres.Config{URL: "postgres://bot:hunter2@db:notaport/x"}, discard())
	if err == nil {
		t.Fatal("Open of a broken connection string: no error")
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("the error repeats the password: %v", err)
	}
}
