package bot

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/internal/fakeclock"
	"github.com/resetbot/resetbot/internal/slackhttp"
	"github.com/resetbot/resetbot/internal/slacktest"
	"github.com/resetbot/resetbot/policy"
	"github.com/resetbot/resetbot/policy/policyfile"
	"github.com/resetbot/resetbot/store/sqlite"
)

// The workspace, pools and people of the end-to-end tests. They match
// deploy/policy.example.yaml, which the tests run on unchanged.
const (
	teamID      = "T0EXAMPLE1"
	chSupport   = "C0SUPPORT1" // in the policy (default pool prod); the bot is a member
	chStaging   = "C0STAGING1" // in the policy (default pool staging); the bot is not a member
	chElsewhere = "C0RANDOM01" // not in the policy's channel list; the bot is a member

	uAlice = "U0ALICE" // @support
	uSam   = "U0SAM"   // @support
	uLena  = "U0LENA"  // @support-leads
	uLeo   = "U0LEO"   // @support-leads
	uBoss  = "U0BOSS"  // @support and @support-leads
	uGuest = "U0GUEST" // in no user group

	groupSupport = "S0SUPPORT1"
	groupLeads   = "S0LEADS001"

	poolProd    = "eu-west-1_AbCdEf123"
	poolStaging = "us-east-1_XyZ987654"
	webClient   = "webclient00000000000000001"

	carolPassword = "Carol-old-pass-1"
	examplePolicy = "../deploy/policy.example.yaml"
)

// sub makes the fixed sub of seed user n.
func sub(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// prodUsers are the end users of the prod pool.
var prodUsers = []cognitotest.SeedUser{
	{Username: "carol", Password: carolPassword, Groups: []string{"customers"},
		Attributes: map[string]string{"sub": sub(1), "email": "carol@example.com", "email_verified": "true"}},
	{Username: "dave", Password: "Dave-old-pass-1", Groups: []string{"customers"},
		Attributes: map[string]string{"sub": sub(2), "email": "dave@example.com", "email_verified": "false"}},
	{Username: "erin", Password: "Erin-old-pass-1", Groups: []string{"customers"},
		Attributes: map[string]string{"sub": sub(3), "email": "erin@example.com", "email_verified": "true"}},
	{Username: "frank", Password: "Frank-old-pass-1",
		Attributes: map[string]string{"sub": sub(4), "email": "frank@example.com", "email_verified": "true"}},
	{Username: "gina", Password: "Gina-old-pass-1",
		Attributes: map[string]string{"sub": sub(5), "email": "gina@example.com", "email_verified": "true"}},
	{Username: "root", Password: "Root-old-pass-1", Groups: []string{"admins"},
		Attributes: map[string]string{"sub": sub(6), "email": "root@example.com", "email_verified": "true"}},
}

// harness is the bot as the binary runs it — New, Run, the real slack-go and aws-sdk-go-v2
// clients, SQLite in a temporary directory, the example policy — against the fake Slack and
// the fake Cognito.
type harness struct {
	t       *testing.T
	command string // the slash command's name
	slack   *slacktest.Server
	cog     *cognitotest.Server
	store   *sqlite.DB
	dbPath  string
	svc     *approval.Service
	bot     *Bot
	botCfg  Config
	stopBot func()
	// cancelBot begins the bot's stop without waiting for it (stopBot waits).
	cancelBot func()
	clock     *manualClock
	logs      *lockedBuffer
	endUser   *cip.Client // the end users' own client of the prod pool
	acks      *ackLog
	// reconnects counts what ObserveReconnect was told.
	reconnects atomic.Int64
	// inFlight is the work running now, as ObserveInFlight tells it, and maxInFlight the most
	// seen at once.
	inFlight, maxInFlight atomic.Int64
}

// observeInFlight follows the work running (bot.Config.ObserveInFlight).
func (h *harness) observeInFlight(delta int) {
	n := h.inFlight.Add(int64(delta))
	for {
		m := h.maxInFlight.Load()
		if n <= m || h.maxInFlight.CompareAndSwap(m, n) {
			return
		}
	}
}

type harnessConfig struct {
	dryRun      bool
	commandName string
	// slackClock, when set, is the fake Slack's clock, on which the bot's Slack client waits
	// out Retry-After too.
	slackClock *slacktest.FakeClock
	// workers and queueSize size the bot's work pool; 0 means the defaults.
	workers, queueSize int
}

type harnessOption func(*harnessConfig)

func withDryRun() harnessOption { return func(c *harnessConfig) { c.dryRun = true } }

// withSlackClock runs the fake Slack's deadlines and rate-limit windows, and the bot's waits
// for them, on clock.
func withSlackClock(clock *slacktest.FakeClock) harnessOption {
	return func(c *harnessConfig) { c.slackClock = clock }
}

// withPool sizes the bot's work pool.
func withPool(workers, queueSize int) harnessOption {
	return func(c *harnessConfig) { c.workers, c.queueSize = workers, queueSize }
}

func withCommandName(name string) harnessOption {
	return func(c *harnessConfig) { c.commandName = name }
}

func newHarness(t *testing.T, opts ...harnessOption) *harness {
	t.Helper()
	cfg := harnessConfig{commandName: DefaultCommandName}
	for _, o := range opts {
		o(&cfg)
	}
	h := &harness{t: t, command: cfg.commandName, clock: fakeclock.New(fixedTime), logs: &lockedBuffer{}, acks: &ackLog{}}
	log := slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	slackOpts := []slacktest.Option{slacktest.WithTeam(teamID, "example"), slacktest.WithSeed(1)}
	retries := slackhttp.Config{Logger: log}
	if cfg.slackClock != nil {
		slackOpts = append(slackOpts, slacktest.WithClock(cfg.slackClock))
		retries.Now, retries.Sleep = cfg.slackClock.Now, cfg.slackClock.Sleep
	}
	fs, err := slacktest.Start(slackOpts...)
	if err != nil {
		t.Fatalf("start the fake Slack: %v", err)
	}
	t.Cleanup(fs.Close)
	h.slack = fs
	for _, u := range []slacktest.User{
		{ID: uAlice, Name: "alice"}, {ID: uSam, Name: "sam"}, {ID: uLena, Name: "lena"},
		{ID: uLeo, Name: "leo"}, {ID: uBoss, Name: "boss"}, {ID: uGuest, Name: "guest"},
	} {
		fs.AddUser(u)
	}
	fs.AddUserGroup(groupSupport, "support", uAlice, uSam, uBoss)
	fs.AddUserGroup(groupLeads, "support-leads", uLena, uLeo, uBoss)
	everyone := []string{uAlice, uSam, uLena, uLeo, uBoss, uGuest}
	fs.AddChannel(chSupport, "support-resets", append(everyone, fs.BotUserID())...)
	fs.AddChannel(chStaging, "staging-support", everyone...)
	fs.AddChannel(chElsewhere, "random", append(everyone, fs.BotUserID())...)

	h.cog = cognitotest.New()
	t.Cleanup(h.cog.Close)
	validity := int32(7)
	h.cog.MustLoad(t, cognitotest.Seed{Pools: []cognitotest.SeedPool{
		{
			ID: poolProd, Name: "prod", AccountRecovery: []string{"verified_email", "verified_phone_number"},
			PasswordPolicy: &cognitotest.SeedPasswordPolicy{MinimumLength: 12, RequireUppercase: true, RequireLowercase: true,
				RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: validity},
			Clients: []cognitotest.SeedClient{{ID: webClient, Name: "web"}},
			Groups:  []cognitotest.SeedGroup{{Name: "customers"}, {Name: "admins"}},
			Users:   prodUsers,
		},
		{
			ID: poolStaging, Name: "staging",
			Users: []cognitotest.SeedUser{{Username: "sid", Password: "Sid-old-pass-1",
				Attributes: map[string]string{"sub": sub(20), "email": "sid@example.com", "email_verified": "true"}}},
		},
	}})
	h.endUser = cip.New(cip.Options{Region: "eu-west-1", BaseEndpoint: aws.String(h.cog.URL()), Credentials: aws.AnonymousCredentials{}})

	ctx := t.Context()
	h.dbPath = filepath.Join(t.TempDir(), "resetbot.db")
	db, err := sqlite.Open(ctx, h.dbPath, log)
	if err != nil {
		t.Fatalf("open the store: %v", err)
	}
	h.store = db

	pol, err := policyfile.NewHolder(examplePolicy, log)
	if err != nil {
		t.Fatalf("load the example policy: %v", err)
	}

	transport, err := slackhttp.New(retries)
	if err != nil {
		t.Fatal(err)
	}
	client := slack.New(fs.BotToken(), slack.OptionAPIURL(fs.APIURL()), slack.OptionAppLevelToken(fs.AppToken()),
		slack.OptionHTTPClient(&http.Client{Transport: transport}))
	notifier, err := NewNotifier(NotifierConfig{Client: client, Logger: log, CommandName: cfg.commandName, DryRun: cfg.dryRun, Now: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	var ids atomic.Int64
	h.svc, err = approval.New(approval.Config{
		Store:      db,
		Directory:  newTestDirectory(t, h.cog.URL(), log),
		Policy:     pol,
		Notifier:   notifier,
		Membership: notifier,
		Logger:     log,
		Now:        h.clock.Now,
		NewID:      func() string { return fmt.Sprintf("r-%04d", ids.Add(1)) },
		Owner:      "test",
		DryRun:     cfg.dryRun,
	})
	if err != nil {
		t.Fatal(err)
	}
	h.botCfg = Config{
		Notifier:        notifier,
		Workflow:        h.svc,
		Policy:          pol,
		Logger:          log,
		Claims:          db,
		TeamID:          teamID,
		AppID:           fs.AppID(),
		ObserveAck:      h.acks.observe,
		Workers:         cfg.workers,
		QueueSize:       cfg.queueSize,
		ObserveInFlight: h.observeInFlight,
		ObserveReconnect: func() {
			h.reconnects.Add(1)
		},
	}
	h.startBot()
	t.Cleanup(func() {
		h.stopBot()
		h.svc.Wait()
		if err := db.Close(); err != nil {
			t.Errorf("close the store: %v", err)
		}
	})
	if err := fs.WaitConnections(h.ctx(), 1); err != nil {
		t.Fatalf("the bot did not connect: %v", err)
	}
	return h
}

// startBot makes a new Bot of the harness's config and runs it; stopBot stops it.
func (h *harness) startBot() {
	h.t.Helper()
	b, err := New(h.botCfg)
	if err != nil {
		h.t.Fatal(err)
	}
	h.bot = b
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(runCtx) }()
	h.cancelBot = stop
	h.stopBot = func() {
		stop()
		if err := <-done; err != nil {
			h.t.Errorf("Run: %v", err)
		}
	}
}

// restartBot stops the bot and starts a new one on the same store, as a restarted process
// would: it keeps nothing in memory from before.
func (h *harness) restartBot() {
	h.t.Helper()
	h.stopBot()
	if err := h.slack.WaitUntil(h.ctx(), func() bool { return len(h.slack.Connections()) == 0 }); err != nil {
		h.t.Fatalf("the stopped bot's connection did not close: %v", err)
	}
	h.startBot()
	if err := h.slack.WaitConnections(h.ctx(), 1); err != nil {
		h.t.Fatalf("the restarted bot did not connect: %v", err)
	}
}

// ctx is a context for one step of a test.
func (h *harness) ctx() context.Context {
	ctx, cancel := context.WithTimeout(h.t.Context(), 20*time.Second)
	h.t.Cleanup(cancel)
	return ctx
}

// settle waits until the bot has finished the work the envelopes so far started.
func (h *harness) settle() {
	h.bot.work.Wait()
	h.svc.Wait()
	h.bot.homeWork.Wait()
}

// cmd has user type the bot's slash command with text in channel, and waits for the bot's
// answer.
func (h *harness) cmd(user, channel, text string) slacktest.Ack {
	h.t.Helper()
	return h.slash(user, channel, h.command, text)
}

// slash has user type any slash command, and waits for the bot's answer.
func (h *harness) slash(user, channel, command, text string) slacktest.Ack {
	h.t.Helper()
	ack, err := h.slack.SlashCommand(h.ctx(), user, channel, command, text)
	if err != nil {
		h.t.Fatalf("%s types %s %s: %v", user, command, text, err)
	}
	h.settle()
	return ack
}

// click has user click a button of the message at ts, and waits for the bot's answer.
func (h *harness) click(user, channel, ts, actionID string) {
	h.t.Helper()
	if _, err := h.slack.Click(h.ctx(), user, channel, ts, actionID); err != nil {
		h.t.Fatalf("%s clicks %s on %s: %v", user, actionID, ts, err)
	}
	h.settle()
}

// submit has user submit their open view with values, and waits for the bot's answer.
func (h *harness) submit(user, viewID string, values map[string]string) slacktest.Ack {
	h.t.Helper()
	ack, err := h.slack.SubmitView(h.ctx(), user, viewID, values)
	if err != nil {
		h.t.Fatalf("%s submits view %s: %v", user, viewID, err)
	}
	h.settle()
	return ack
}

// openView returns user's top view, failing when none is open.
func (h *harness) openView(user string) slacktest.View {
	h.t.Helper()
	vs := h.slack.Views(user)
	if len(vs) == 0 {
		h.t.Fatalf("%s has no view open", user)
	}
	return vs[len(vs)-1]
}

// cards returns the bot's top-level messages in a channel, oldest first.
func (h *harness) cards(channel string) []slacktest.Message {
	var out []slacktest.Message
	for _, m := range h.slack.Messages(channel) {
		if m.User == h.slack.BotUserID() {
			out = append(out, m)
		}
	}
	return out
}

// lastCard returns the newest card in a channel and the request it is for.
func (h *harness) lastCard(channel string) (slacktest.Message, *approval.Request) {
	h.t.Helper()
	cs := h.cards(channel)
	if len(cs) == 0 {
		h.t.Fatalf("no card in %s; ephemerals: %v", channel, h.allEphemeralText())
	}
	m := cs[len(cs)-1]
	return m, h.requestOf(m)
}

var requestIDPattern = regexp.MustCompile("Request `(r-[0-9]+)`")

// requestOf reads the request a card is for from its footer and returns it from the store.
func (h *harness) requestOf(m slacktest.Message) *approval.Request {
	h.t.Helper()
	match := requestIDPattern.FindStringSubmatch(m.Content())
	if match == nil {
		h.t.Fatalf("message %s names no request:\n%s", m.TS, m.Content())
	}
	r, err := h.svc.Get(h.ctx(), match[1])
	if err != nil {
		h.t.Fatalf("get %s: %v", match[1], err)
	}
	return r
}

// replies returns the replies in a card's thread, oldest first.
func (h *harness) replies(channel, ts string) []slacktest.Message {
	th := h.slack.Thread(channel, ts)
	if len(th) > 0 && th[0].TS == ts {
		th = th[1:]
	}
	return th
}

// ephemeralText returns the text of every ephemeral message user was shown.
func (h *harness) ephemeralText(user string) string {
	var b strings.Builder
	for _, e := range h.slack.Ephemerals(user) {
		b.WriteString(e.Content())
		b.WriteString("\n---\n")
	}
	return b.String()
}

func (h *harness) allEphemeralText() string {
	var b strings.Builder
	for _, u := range []string{uAlice, uSam, uLena, uLeo, uBoss} {
		fmt.Fprintf(&b, "%s:\n%s", u, h.ephemeralText(u))
	}
	return b.String()
}

// signIn is the end user signing in to the prod pool with a password.
func (h *harness) signIn(username, password string) (*cip.InitiateAuthOutput, error) {
	return h.endUser.InitiateAuth(h.ctx(), &cip.InitiateAuthInput{
		AuthFlow:       ciptypes.AuthFlowTypeUserPasswordAuth,
		ClientId:       aws.String(webClient),
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password},
	})
}

// userStatus reads a prod user's status the way an operator would.
func (h *harness) userStatus(username string) string {
	h.t.Helper()
	u, err := newTestDirectory(h.t, h.cog.URL(), slog.New(slog.DiscardHandler)).Lookup(h.ctx(), policy.Pool{Name: "prod", ID: poolProd, Region: "eu-west-1"}, username)
	if err != nil {
		h.t.Fatalf("look %s up: %v", username, err)
	}
	return u.Status
}

// lockedBuffer collects log lines from many goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// ackLog records what ObserveAck was told.
type ackLog struct {
	mu    sync.Mutex
	kinds map[string]int
}

func (a *ackLog) observe(kind string, _ time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.kinds == nil {
		a.kinds = map[string]int{}
	}
	a.kinds[kind]++
}

func (a *ackLog) count(kind string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.kinds[kind]
}
