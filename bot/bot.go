package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/policy"
)

// Policy is what the bot asks the policy in force, to offer people only what they may use;
// *policyfile.Holder implements it. Decisions themselves are the workflow's.
type Policy interface {
	// Permitted lists, by pool name, the actions the person in f may ask for.
	Permitted(f policy.Facts) map[string][]policy.Action
	// Pools lists the pools in the order people see them.
	Pools() []policy.Pool
	// IdentityChecks lists the ways of verifying an end user that requests may name.
	IdentityChecks() []policy.IdentityCheck
}

// Defaults of Config.
const (
	// DefaultValidateTimeout bounds the check of a modal submission, whose errors ride in the
	// ack Slack waits 3 s for.
	DefaultValidateTimeout = 2 * time.Second
	// DefaultWorkTimeout bounds the work one envelope starts (a Cognito run included).
	DefaultWorkTimeout = 2 * time.Minute
)

// Config is what a Bot needs.
type Config struct {
	// Notifier is the Slack side of the workflow, built with NewNotifier; the bot posts with
	// its Slack client. Required.
	Notifier *Notifier
	// Workflow, Policy and Claims are what the bot serves with (see Deps). Required, unless
	// Ready hands them.
	Workflow Workflow
	Policy   Policy
	Claims   EnvelopeClaims
	// Logger is required.
	Logger *slog.Logger
	// TeamID and AppID are the workspace and app whose envelopes the bot answers; Run asks
	// Slack for them (auth.test, bots.info) when they are empty. Envelopes from another
	// workspace or for another app are acknowledged, logged and dropped.
	TeamID string
	AppID  string
	// ValidateTimeout bounds a modal submission's check; default DefaultValidateTimeout.
	ValidateTimeout time.Duration
	// WorkTimeout bounds the work one envelope starts; default DefaultWorkTimeout.
	WorkTimeout time.Duration
	// Workers bounds the envelopes' work running at once; default DefaultWorkers.
	Workers int
	// QueueSize bounds the work waiting for a worker; default DefaultQueueSize. When it is
	// full, reading Slack's envelopes waits.
	QueueSize int
	// ObserveQueueWait, when set, is told how long each piece of work waited for a worker.
	ObserveQueueWait func(d time.Duration)
	// ObserveInFlight, when set, is told +1 when a piece of work starts running and -1 when
	// it ends.
	ObserveInFlight func(delta int)
	// PingInterval is how long the connection may go without a ping from Slack before it is
	// reopened; default DefaultPingInterval.
	PingInterval time.Duration
	// ObserveAck, when set, is told how long each envelope waited for its ack, by kind:
	// "slash_commands", "block_actions", "view_submission", "view_closed", "events_api",
	// "dropped".
	ObserveAck func(kind string, d time.Duration)
	// ObserveReconnect, when set, is called each time the connection is opened again.
	ObserveReconnect func()
	// DrainQuiet is how long the connection of a stopping bot must go without an envelope
	// before it is closed; default DefaultDrainQuiet (see drain).
	DrainQuiet time.Duration
	// ObservePanic, when set, counts a panic recovered in a handler ("handler").
	ObservePanic func(where string)
	// Ready, when set, is what Run waits for, while the connection opens, before it handles
	// or acknowledges any envelope: the process may still be opening the workflow, the policy
	// and the store. It hands the bot what it serves with, in place of Workflow, Policy and
	// Claims. An error stops Run, and Slack gives the envelopes it had sent to another
	// connection.
	Ready func(ctx context.Context) (Deps, error)
}

// Deps is what the bot serves with, which the process may open while the bot connects
// (Config.Ready).
type Deps struct {
	// Workflow is the approval workflow, built with Config.Notifier: an *approval.Service.
	Workflow Workflow
	// Policy is the policy in force.
	Policy Policy
	// Claims records the envelopes handled, so that one Slack delivers again is handled once
	// across restarts and replicas: the store.
	Claims EnvelopeClaims
}

// missing names the dependencies d lacks.
func (d Deps) missing() []string {
	var names []string
	if d.Workflow == nil {
		names = append(names, "Workflow")
	}
	if d.Policy == nil {
		names = append(names, "Policy")
	}
	if d.Claims == nil {
		names = append(names, "Claims")
	}
	return names
}

// Bot holds the Socket Mode connection and answers what comes over it.
type Bot struct {
	client   *slack.Client
	notifier *Notifier
	svc      Workflow
	pol      Policy
	log      *slog.Logger
	rd       renderer
	groups   *groupCache
	cfg      Config
	routes   routes
	claims   EnvelopeClaims
	// served is done once the bot serves with what Config.Ready handed (serveWith).
	served sync.Once
	// id is the workspace and app whose envelopes the bot answers, set by Run.
	id atomic.Pointer[identity]

	pool   *pool
	checks chan struct{} // a slot per modal submission being checked

	connected atomic.Bool
	running   atomic.Bool
	work      sync.WaitGroup // handlers queued or in flight
	homeWork  sync.WaitGroup // Home tabs being published again after a change
	homes     homeMarks      // whose Home tab to publish again
}

// New returns a Bot; Run connects it.
func New(cfg Config) (*Bot, error) {
	var missing []string
	if cfg.Notifier == nil {
		missing = append(missing, "Notifier")
	}
	if cfg.Logger == nil {
		missing = append(missing, "Logger")
	}
	if cfg.Ready == nil {
		missing = append(missing, Deps{cfg.Workflow, cfg.Policy, cfg.Claims}.missing()...)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("bot: new: missing %v", missing)
	}
	if cfg.ValidateTimeout <= 0 {
		cfg.ValidateTimeout = DefaultValidateTimeout
	}
	if cfg.ValidateTimeout >= 3*time.Second {
		return nil, fmt.Errorf("bot: new: ValidateTimeout %v leaves no time to ack within Slack's 3 s", cfg.ValidateTimeout)
	}
	if cfg.WorkTimeout <= 0 {
		cfg.WorkTimeout = DefaultWorkTimeout
	}
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = DefaultPingInterval
	}
	if cfg.DrainQuiet <= 0 {
		cfg.DrainQuiet = DefaultDrainQuiet
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = DefaultQueueSize
	}
	b := &Bot{
		client:   cfg.Notifier.client,
		notifier: cfg.Notifier,
		svc:      cfg.Workflow,
		pol:      cfg.Policy,
		claims:   cfg.Claims,
		log:      cfg.Logger,
		rd:       cfg.Notifier.rd,
		groups:   cfg.Notifier.groups,
		cfg:      cfg,
		pool:     newPool(cfg.Workers, cfg.QueueSize, cfg.ObserveQueueWait, cfg.ObserveInFlight),
		checks:   make(chan struct{}, cfg.Workers),
		homes:    homeMarks{dirty: map[string]struct{}{}},
	}
	if cfg.Ready != nil {
		// Until Ready hands the workflow, a change marks the Home tabs it concerns without
		// publishing them (serveWith).
		b.homes.running = true
	}
	b.routes = b.newRoutes()
	cfg.Notifier.onChange(b.republishHomes)
	return b, nil
}

// Connected reports whether the Socket Mode connection is open and Slack said hello: the
// bot's readiness.
func (b *Bot) Connected() bool { return b.connected.Load() }

// Run holds the Socket Mode connection until ctx is done, opening it again when Slack asks
// or it drops (socket.go). It waits for the work in flight before it returns, and returns nil
// when ctx ended it, or the error that kept it from connecting.
func (b *Bot) Run(ctx context.Context) error {
	if !b.running.CompareAndSwap(false, true) {
		return errors.New("bot: Run is already running")
	}
	defer b.running.Store(false)

	// The connection opens while the bot asks Slack who it is and waits for Config.Ready; the
	// frames that come meanwhile wait until both are done.
	// The connection outlives ctx by the drain (see drain): it is closed by cancel.
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	known := make(chan struct{})
	received := make(chan struct{}, 1)
	errc := make(chan error, 1)
	go func() { errc <- b.hold(runCtx, known, received) }()

	id, err := b.prepare(ctx)
	if err != nil {
		cancel()
		cerr := <-errc
		b.log.DebugContext(ctx, "Socket Mode stopped before the bot could handle envelopes", "err", cerr)
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	b.id.Store(&id)
	close(known)
	b.log.InfoContext(ctx, "answering the envelopes of one workspace and app", "team_id", id.Team, "enterprise_id", id.Enterprise, "app_id", id.App)

	d := drain{quietFor: b.cfg.DrainQuiet}
	stopping := ctx.Done()
	for {
		select {
		case <-received:
			d.received()
		case <-stopping:
			stopping = nil
			b.log.InfoContext(ctx, "closing the Slack connection once it is quiet: what Slack still sends on it is acknowledged and handled")
			d.start()
		case <-d.quiet():
			d.stop()
			cancel()
		case <-d.over():
			d.stop()
			cancel()
		case err := <-errc:
			d.stop()
			b.connected.Store(false)
			cancel()
			b.work.Wait()
			b.homeWork.Wait()
			if ctx.Err() != nil {
				b.log.InfoContext(ctx, "Slack connection closed")
				return nil
			}
			return fmt.Errorf("bot: Socket Mode: %w", err)
		}
	}
}

// fromUs reports whether an envelope is from the bot's workspace and for its app; when not,
// it is logged.
func (b *Bot) fromUs(ctx context.Context, kind, team, enterprise, app string) bool {
	id := b.identity()
	if id.admits(team, enterprise, app) {
		return true
	}
	b.log.WarnContext(ctx, "dropping an envelope for another workspace or app", "kind", kind,
		"team_id", team, "enterprise_id", enterprise, "want_team_id", id.Team, "app_id", app, "want_app_id", id.App)
	return false
}

// identity is the workspace and app whose envelopes the bot answers; before Run has learnt
// them, none.
func (b *Bot) identity() identity {
	if id := b.id.Load(); id != nil {
		return *id
	}
	return identity{}
}

// goWork queues f on the work pool, to run with its own deadline; Run waits for it before
// returning. The work outlives ctx's cancellation so that a Cognito run is never cut off
// half-way. Only the goroutine that reads the connection and the checks of modal submissions (goCheck) call it: the
// pool's own work never does, so it never waits on itself.
func (b *Bot) goWork(ctx context.Context, f func(ctx context.Context)) {
	b.work.Add(1)
	b.queueWork(ctx, f)
}

// queueWork queues f as goWork does, for work counted in b.work already.
func (b *Bot) queueWork(ctx context.Context, f func(ctx context.Context)) {
	b.pool.submit(func() {
		defer b.work.Done()
		defer b.contain(ctx)
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.WorkTimeout)
		defer cancel()
		f(wctx)
	})
}

// contain recovers a panic in a handler: it is logged (with the envelope and request ids the
// context carries) and counted, and the bot keeps serving. A run the handler started is marked
// interrupted by the workflow itself.
func (b *Bot) contain(ctx context.Context) {
	v := recover()
	if v == nil {
		return
	}
	b.log.ErrorContext(ctx, "panic recovered", "where", "handler", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	if b.cfg.ObservePanic != nil {
		b.cfg.ObservePanic("handler")
	}
}

// goCheck runs the check of a modal submission, whose answer rides in the ack Slack waits 3 s
// for, at once rather than behind the queued work; at most Config.Workers run at a time.
func (b *Bot) goCheck(ctx context.Context, f func(ctx context.Context)) {
	b.work.Add(1)
	b.checks <- struct{}{}
	go func() {
		defer func() { <-b.checks; b.work.Done() }()
		defer b.contain(ctx)
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.WorkTimeout)
		defer cancel()
		f(wctx)
	}()
}
