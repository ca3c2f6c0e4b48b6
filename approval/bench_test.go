package approval_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/bot"
	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/internal/slackhttp"
	"github.com/resetbot/resetbot/internal/slacktest"
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

// benchWorld is the workflow on SQLite, the real AWS SDK against the fake Cognito (100 users
// in pool prod) and the notifier given.
type benchWorld struct {
	svc   *approval.Service
	cog   *cognitotest.Server
	users int
}

func newBenchWorld(b *testing.B, notifier approval.Notifier, members approval.Membership) *benchWorld {
	b.Helper()
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
	svc, err := approval.New(approval.Config{Store: db, Directory: dir, Policy: pol, Notifier: notifier, Membership: members,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	return &benchWorld{svc: svc, cog: srv, users: len(users)}
}

// submit makes the i-th request.
func (w *benchWorld) submit(b *testing.B, i int) *approval.Request {
	b.Helper()
	r, err := w.svc.Submit(b.Context(), approval.Submission{Team: "T1", Channel: "C1", Requester: "U0REQ", Pool: "prod",
		Target: fmt.Sprintf("user%03d@example.com", i%w.users), Action: policy.ActionReset})
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// approve approves a request, its envelope claimed with the approval, and checks it ran.
func (w *benchWorld) approve(b *testing.B, id string, i int) {
	b.Helper()
	r, err := w.svc.ApproveEnvelope(b.Context(), id, policy.Approver{User: "U0LEAD"},
		approval.Envelope{ID: fmt.Sprintf("env-%d", i), ReceivedAt: time.Now()})
	if err != nil || r.State != approval.StateSucceeded {
		b.Fatalf("approve: %v (state %v)", err, r.State)
	}
}

// BenchmarkResetRequest measures one whole request: submit (policy, Cognito lookup over HTTP
// with the real AWS SDK, store, card), one approval, the second lookup and the
// AdminResetUserPassword call, and the recorded result, on SQLite and the fake Cognito.
func BenchmarkResetRequest(b *testing.B) {
	w := newBenchWorld(b, &benchNotifier{}, nil)
	i := 0
	for b.Loop() {
		w.approve(b, w.submit(b, i).ID, i)
		i++
	}
	if got := w.cog.Calls("AdminResetUserPassword"); got != i {
		b.Fatalf("AdminResetUserPassword calls = %d, want %d", got, i)
	}
}

// BenchmarkApprove measures the approval alone, each request submitted with the timer stopped:
// the click's write (which claims its envelope and the run), the lookup again, the
// AdminResetUserPassword call, the recorded result and the notices. "counting" tells the
// notices to a notifier that only counts them; "slack" tells them through the bot's Notifier,
// with slack-go and the bot's transport, to the fake Slack, and reads the Slack user groups as
// the bot does. The allocations include those of the fake Cognito and the fake Slack, which run
// in the same process.
func BenchmarkApprove(b *testing.B) {
	b.Run("counting", func(b *testing.B) {
		benchApprove(b, newBenchWorld(b, &benchNotifier{}, nil))
	})
	b.Run("slack", func(b *testing.B) {
		fs, err := slacktest.Start(slacktest.WithTeam("T1", "bench"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(fs.Close)
		fs.AddUser(slacktest.User{ID: "U0REQ", Name: "req"})
		fs.AddUser(slacktest.User{ID: "U0LEAD", Name: "lead"})
		fs.AddChannel("C1", "support", "U0REQ", "U0LEAD", fs.BotUserID())
		log := slog.New(slog.DiscardHandler)
		transport, err := slackhttp.New(slackhttp.Config{Logger: log})
		if err != nil {
			b.Fatal(err)
		}
		client := slack.New(fs.BotToken(), slack.OptionAPIURL(fs.APIURL()), slack.OptionHTTPClient(&http.Client{Transport: transport}))
		n, err := bot.NewNotifier(bot.NotifierConfig{Client: client, Logger: log})
		if err != nil {
			b.Fatal(err)
		}
		benchApprove(b, newBenchWorld(b, n, n))
	})
}

func benchApprove(b *testing.B, w *benchWorld) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		b.StopTimer()
		r := w.submit(b, i)
		b.StartTimer()
		w.approve(b, r.ID, i)
		i++
	}
}
