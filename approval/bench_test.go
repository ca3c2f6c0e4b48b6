package approval_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/policy"
	"github.com/resetbot/resetbot/policy/policyfile"
	"github.com/resetbot/resetbot/store/sqlite"
)

const benchPolicy = `
pools:
  prod: {id: eu-west-1_Bench1, region: eu-west-1}
rules:
  - name: reset
    pools: [prod]
    actions: [reset]
    requesters: [U0REQ]
    approvers: [U0LEAD]
    approvals: 1
`

// benchNotifier counts what the workflow tells Slack.
type benchNotifier struct {
	mu      sync.Mutex
	n       int
	notices int
}

func (b *benchNotifier) PostCard(context.Context, *approval.Request) (approval.Thread, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n++
	return approval.Thread{Channel: "C1", TS: fmt.Sprintf("1.%06d", b.n)}, nil
}

func (b *benchNotifier) Notify(context.Context, *approval.Request, approval.Notice) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.notices++
	return nil
}

func (b *benchNotifier) UpdateCard(context.Context, *approval.Request) error { return nil }

func (b *benchNotifier) FindCard(context.Context, *approval.Request, time.Time, time.Time) (approval.Thread, error) {
	return approval.Thread{}, nil
}

func (b *benchNotifier) DeliverSecret(context.Context, *approval.Request, approval.Secret) error {
	return nil
}

// BenchmarkResetRequest measures one whole request: submit (policy, Cognito lookup over HTTP
// with the real AWS SDK, store, card), one approval, the second lookup and the
// AdminResetUserPassword call, and the recorded result, on SQLite and the fake Cognito.
func BenchmarkResetRequest(b *testing.B) {
	ctx := b.Context()
	srv := cognitotest.New()
	b.Cleanup(srv.Close)
	users := make([]cognitotest.SeedUser, 100)
	for i := range users {
		users[i] = cognitotest.SeedUser{Username: fmt.Sprintf("user%03d", i), Password: "Correct-horse-battery-1",
			Attributes: map[string]string{"email": fmt.Sprintf("user%03d@example.com", i), "email_verified": "true"}}
	}
	srv.MustLoad(b, cognitotest.Seed{Pools: []cognitotest.SeedPool{{ID: "eu-west-1_Bench1", Name: "prod", Users: users}}})
	awsCfg := aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")}
	dir := cognito.NewDirectory(cognito.New(awsCfg, cognito.Options{Endpoint: srv.URL()}))

	pol, err := policyfile.Parse([]byte(benchPolicy), "bench.yaml")
	if err != nil {
		b.Fatal(err)
	}
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	svc, err := approval.New(approval.Config{Store: db, Directory: dir, Policy: pol, Notifier: &benchNotifier{},
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		r, err := svc.Submit(ctx, approval.Submission{Team: "T1", Channel: "C1", Requester: "U0REQ", Pool: "prod",
			Target: fmt.Sprintf("user%03d@example.com", i%len(users)), Action: policy.ActionReset})
		if err != nil {
			b.Fatal(err)
		}
		if r, err = svc.Approve(ctx, r.ID, policy.Approver{User: "U0LEAD"}); err != nil || r.State != approval.StateSucceeded {
			b.Fatalf("approve: %v (state %v)", err, r.State)
		}
		i++
	}
	if got := srv.Calls("AdminResetUserPassword"); got != i {
		b.Fatalf("AdminResetUserPassword calls = %d, want %d", got, i)
	}
}
