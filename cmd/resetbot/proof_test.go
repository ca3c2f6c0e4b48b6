package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/internal/pgtest"
	"github.com/resetbot/resetbot/internal/slacktest"
)

// proofSeed replays TestThreeReplicasUnderFire's random moments; RESETBOT_PROOF_SEED does too.
var proofSeed = flag.Uint64("proof.seed", 0, "seed of TestThreeReplicasUnderFire's random moments (0: a new one; RESETBOT_PROOF_SEED also sets it)")

// The proof's size and pace: requests are started one every proofPace, so that the load runs
// while replicas are killed, restarted one by one and the database is stopped.
const (
	proofRequests = 300
	proofReplicas = 3
	proofPace     = 250 * time.Millisecond
)

// The proof's workspace: a channel of its own, requesters and approvers in two groups.
const (
	proofChannel    = "C0PROOF001"
	proofSupport    = "S0PROOFSUP"
	proofLeads      = "S0PROOFLDS"
	proofUsers      = proofRequests
	proofRemind     = "6s"
	proofExpire     = "40s"
	proofRunLease   = "10s"
	proofSweepEvery = "2s"
)

var (
	proofRequesters = []string{"U0PSUP0001", "U0PSUP0002", "U0PSUP0003", "U0PSUP0004"}
	proofApprovers  = []string{"U0PLEAD001", "U0PLEAD002", "U0PLEAD003", "U0PLEAD004"}
)

// proofPolicy needs two approvals from the leads on a reset, reminds after a few seconds and
// lets a request expire within the test.
const proofPolicy = `workspace:
  teams: [` + exampleTeam + `]
channels:
  - id: ` + proofChannel + `
    default_pool: prod
pools:
  prod:
    id: ` + prodPoolID + `
    region: eu-west-1
identity_checks:
  callback: Called the user back on the phone number on file
limits:
  per_requester: {max: 10000, window: 24h}
  per_target: {max: 10000, window: 24h}
rules:
  - name: proof-reset
    pools: [prod]
    actions: [reset]
    requesters: [` + proofSupport + `]
    approvers: [` + proofLeads + `]
    approvals: 2
    self_approval: false
    expires_after: ` + proofExpire + `
    remind_after: ` + proofRemind + `
    require:
      ticket: true
`

// TestThreeReplicasUnderFire is the proof that several replicas on one PostgreSQL run every
// request at most once and lose nothing: three `resetbot serve` processes on one fake Slack
// (each envelope to one connection, at random), one PostgreSQL cluster of the test's own and
// the fake Cognito. While hundreds of requests are made, approved at once by two leads on
// different connections, double-clicked, denied and left to expire, with envelopes delivered
// again to another connection, one replica is killed with SIGKILL at random moments and
// started again, the replicas are restarted one at a time with SIGTERM (the next once the
// restarted one is ready), and the database is stopped abruptly and started again.
func TestThreeReplicasUnderFire(t *testing.T) {
	start := time.Now()
	seed := proofSeedValue(t)
	t.Logf("seed %d (replay with -proof.seed=%d or RESETBOT_PROOF_SEED=%d)", seed, seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))

	cluster := pgtest.StartCluster(t)
	storeURL := proofDatabase(t, cluster.URL)
	pf := newProofFixture(t, storeURL)

	ctx, cancel := context.WithTimeout(t.Context(), 6*time.Minute)
	defer cancel()
	fleet := &proofFleet{t: t, f: pf.f}
	for range proofReplicas {
		fleet.start(ctx)
	}

	load := newProofLoad(pf, rng.Uint64())
	loadDone := make(chan struct{})
	go func() {
		defer close(loadDone)
		load.run(ctx)
	}()

	var fire proofFire
	fire.run(t, ctx, rng, fleet, cluster, loadDone)
	<-loadDone

	counts := pf.check(t, ctx, load, &fire, fleet)
	counts.elapsed = time.Since(start)
	counts.log(t, seed)
	for _, p := range fleet.procs {
		stopProcess(t, p)
	}
}

// proofSeedValue is the seed from -proof.seed, RESETBOT_PROOF_SEED or the clock.
func proofSeedValue(t *testing.T) uint64 {
	t.Helper()
	if *proofSeed != 0 {
		return *proofSeed
	}
	if s := os.Getenv("RESETBOT_PROOF_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("RESETBOT_PROOF_SEED %q: %v", s, err)
		}
		return n
	}
	return uint64(time.Now().UnixNano())
}

// proofDatabase creates the store's database in the cluster and returns its connection string.
func proofDatabase(t *testing.T, admin string) string {
	t.Helper()
	pgtest.Exec(t, admin, "CREATE DATABASE resetbot")
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("the cluster's connection string does not parse: %v", err)
	}
	u.Path = "/resetbot"
	return u.String()
}

// proofFixture is the fixture with the proof's people, channel, users and policy.
type proofFixture struct {
	t        *testing.T
	f        *fixture
	storeURL string
}

func newProofFixture(t *testing.T, storeURL string) *proofFixture {
	t.Helper()
	f := newFixture(t)
	for i, id := range proofRequesters {
		f.slack.AddUser(slacktest.User{ID: id, Name: fmt.Sprintf("support%d", i+1)})
	}
	for i, id := range proofApprovers {
		f.slack.AddUser(slacktest.User{ID: id, Name: fmt.Sprintf("lead%d", i+1)})
	}
	f.slack.AddUserGroup(proofSupport, "proof-support", proofRequesters...)
	f.slack.AddUserGroup(proofLeads, "proof-leads", proofApprovers...)
	f.slack.AddChannel(proofChannel, "proof-resets", append(append([]string{f.slack.BotUserID()}, proofRequesters...), proofApprovers...)...)

	// A Cognito of the proof's own: one user per request, each with a verified email to
	// send the reset code to.
	cog := cognitotest.New()
	t.Cleanup(cog.Close)
	users := make([]cognitotest.SeedUser, proofUsers)
	for i := range users {
		users[i] = cognitotest.SeedUser{Username: proofUser(i), Password: "Correct-horse-1",
			Attributes: map[string]string{"email": proofUser(i) + "@example.com", "email_verified": "true"}}
	}
	cog.MustLoad(t, cognitotest.Seed{Pools: []cognitotest.SeedPool{{
		ID: prodPoolID, Name: "prod", AccountRecovery: []string{"verified_email"}, Users: users,
	}}})
	f.cognito = cog

	policyFile := filepath.Join(f.dir, "proof-policy.yaml")
	if err := os.WriteFile(policyFile, []byte(proofPolicy), 0o600); err != nil {
		t.Fatal(err)
	}
	f.env["RESETBOT_POLICY_FILE"] = policyFile
	f.env["RESETBOT_COGNITO_ENDPOINT"] = cog.URL()
	f.env["RESETBOT_STORE"] = storeURL
	f.env["RESETBOT_SWEEP_INTERVAL"] = proofSweepEvery
	f.env["RESETBOT_RUN_LEASE"] = proofRunLease
	f.env["RESETBOT_SHUTDOWN_GRACE"] = "20s"
	return &proofFixture{t: t, f: f, storeURL: storeURL}
}

// proofUser is the Cognito user of the request numbered i.
func proofUser(i int) string { return fmt.Sprintf("user%03d", i) }

// proofFleet is the replicas running now.
type proofFleet struct {
	t     *testing.T
	f     *fixture
	procs []*process
	// all is every replica started, the ones stopped since included, for their logs.
	all []*process
}

// start starts one more replica and waits until it is ready.
func (fl *proofFleet) start(ctx context.Context) {
	fl.t.Helper()
	p := startProcess(fl.t, fl.f)
	p.waitReady(fl.t, ctx, fl.f)
	fl.procs = append(fl.procs, p)
	fl.all = append(fl.all, p)
}

// replace starts a replica in the place of the i-th and waits until it is ready.
func (fl *proofFleet) replace(ctx context.Context, i int) {
	fl.t.Helper()
	p := startProcess(fl.t, fl.f)
	p.waitReady(fl.t, ctx, fl.f)
	fl.procs[i] = p
	fl.all = append(fl.all, p)
}

// cardsFound counts, from every replica's log, the cards whose thread was saved from a click
// on them (before the replica posting them did, or after it died) and by a sweeper (their
// replica died before saving it).
func (fl *proofFleet) cardsFound() (byClick, bySweep int) {
	for _, p := range fl.all {
		for _, l := range p.logLines() {
			if l["msg"] != approval.CardFoundLog {
				continue
			}
			switch l["found_by"] {
			case "click":
				byClick++
			case "sweeper":
				bySweep++
			}
		}
	}
	return byClick, bySweep
}

// logged counts the log lines with the message msg of every replica started.
func (fl *proofFleet) logged(msg string) int {
	n := 0
	for _, p := range fl.all {
		for _, l := range p.logLines() {
			if l["msg"] == msg {
				n++
			}
		}
	}
	return n
}

// kill stops the i-th replica with SIGKILL and waits until it is gone.
func (fl *proofFleet) kill(ctx context.Context, i int) {
	fl.t.Helper()
	p := fl.procs[i]
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		fl.t.Fatalf("SIGKILL: %v", err)
	}
	select {
	case <-p.exited:
	case <-ctx.Done():
		fl.t.Fatal("a replica did not die of SIGKILL")
	}
}

// proofFire is the trouble the proof makes while the load runs, and what it counted.
type proofFire struct {
	kills, restarts, rolled, dbStops int
	killedAt                         []time.Time // when each SIGKILL was sent
	// rollFrom and rollTo bound the rolling restart: no envelope sent meanwhile may go
	// unacknowledged.
	rollFrom, rollTo time.Time
}

// run makes trouble at random moments until the load is done: SIGKILLs, a rolling restart,
// the database stopped and started, more SIGKILLs.
func (fire *proofFire) run(t *testing.T, ctx context.Context, rng *rand.Rand, fleet *proofFleet, cluster *pgtest.Cluster, loadDone <-chan struct{}) {
	t.Helper()
	pause := func(min, max time.Duration) bool {
		d := min + time.Duration(rng.Int64N(int64(max-min)))
		select {
		case <-time.After(d):
			return true
		case <-loadDone:
			return false
		case <-ctx.Done():
			return false
		}
	}
	killOne := func() bool {
		if !pause(2*time.Second, 6*time.Second) {
			return false
		}
		i := rng.IntN(len(fleet.procs))
		fleet.kill(ctx, i)
		fire.kills++
		fire.killedAt = append(fire.killedAt, time.Now())
		t.Logf("SIGKILL replica %d", i)
		if !pause(200*time.Millisecond, 2*time.Second) {
			fleet.replace(ctx, i)
			fire.restarts++
			return false
		}
		fleet.replace(ctx, i)
		fire.restarts++
		return true
	}
	for range 3 {
		if !killOne() {
			return
		}
	}
	if !pause(time.Second, 3*time.Second) {
		return
	}
	// The rolling restart: SIGTERM one replica at a time, the next once the one started in
	// its place is ready.
	fire.rollFrom = time.Now()
	for i := range fleet.procs {
		stopProcess(t, fleet.procs[i])
		fleet.replace(ctx, i)
		fire.rolled++
	}
	fire.rollTo = time.Now()
	t.Logf("rolling restart of %d replicas done", fire.rolled)

	if !pause(time.Second, 4*time.Second) {
		return
	}
	cluster.Kill(t)
	fire.dbStops++
	t.Logf("database stopped")
	pause(time.Second, 4*time.Second)
	cluster.Restart(t)
	t.Logf("database started again")

	for killOne() {
	}
}
