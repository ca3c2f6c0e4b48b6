package approval

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/resetbot/resetbot/policy"
)

// Observer is an optional metrics hook.
type Observer interface {
	// Submitted counts a submission; outcome is "created" (its card was posted), "denied",
	// "invalid", "limited", "already_open", "not_in_channel" or "error".
	Submitted(action policy.Action, outcome string)
	// Approved counts one approval.
	Approved(action policy.Action)
	// Ran counts a run; outcome is "succeeded", "failed" or "dry_run".
	Ran(action policy.Action, outcome string, d time.Duration)
}

// Config holds a Service's dependencies and settings.
type Config struct {
	Store     Store
	Directory Directory
	Policy    Policy
	Notifier  Notifier
	Logger    *slog.Logger
	Observer  Observer         // may be nil
	Now       func() time.Time // default time.Now
	NewID     func() string    // default: "r-" and 10 random lowercase base32 characters
	Lease     time.Duration    // how long a run may hold its claim; default 2m
	Owner     string           // this process's name for leases; default hostname-pid
	DryRun    bool             // the flow runs, Cognito is only read; outcomes say "DRY RUN"
	// Membership, when set, gives the requester's groups as they are at run time; without it
	// the groups recorded at submit time are used.
	Membership Membership
}

// DefaultLease is how long a run holds its claim when Config.Lease is zero.
const DefaultLease = 2 * time.Minute

// Service is the workflow. Its methods are safe for concurrent use, in one process and
// across processes sharing a store.
type Service struct {
	store   Store
	dir     Directory
	pol     Policy
	notify  Notifier
	log     *slog.Logger
	obs     Observer
	now     func() time.Time
	newID   func() string
	lease   time.Duration
	owner   string
	dryRun  bool
	members Membership

	runs sync.WaitGroup
	// posting holds, per request whose card is being posted, a channel closed once the card's
	// thread is saved (or the request withdrawn), so that a click arriving in between still
	// reports into the thread.
	posting sync.Map // request id → chan struct{}
	// scopeMissing counts, within a sweep, the requests withdrawn without their cards being
	// looked for because the Slack app lacks the scope to read history (findOrWithdraw).
	scopeMissing atomic.Int64
	// known keeps the last version this process wrote of each open request: where a decision
	// starts from (see awaitCard).
	known known
	// starts orders the notices of runs behind the starts of the runs approved before them.
	starts starts
}

// New returns a Service. Store, Directory, Policy, Notifier and Logger are required.
func New(cfg Config) (*Service, error) {
	var missing []string
	for _, dep := range []struct {
		name string
		nil  bool
	}{
		{"Store", cfg.Store == nil},
		{"Directory", cfg.Directory == nil},
		{"Policy", cfg.Policy == nil},
		{"Notifier", cfg.Notifier == nil},
		{"Logger", cfg.Logger == nil},
	} {
		if dep.nil {
			missing = append(missing, dep.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("approval: new service: missing %s", strings.Join(missing, ", "))
	}
	if cfg.Lease < 0 {
		return nil, errors.New("approval: new service: negative lease")
	}
	s := &Service{
		store: cfg.Store, dir: cfg.Directory, pol: cfg.Policy, notify: cfg.Notifier,
		log: cfg.Logger, obs: cfg.Observer, now: cfg.Now, newID: cfg.NewID,
		lease: cfg.Lease, owner: cfg.Owner, dryRun: cfg.DryRun, members: cfg.Membership,
	}
	if s.obs == nil {
		s.obs = nopObserver{}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newID == nil {
		s.newID = NewID
	}
	if s.lease == 0 {
		s.lease = DefaultLease
	}
	if s.owner == "" {
		s.owner = defaultOwner()
	}
	return s, nil
}

// NewID returns a random, short, URL-safe request id such as "r-7f3k2q9xab".
func NewID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	var b [10]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	for i := range b {
		b[i] = alphabet[b[i]%32]
	}
	return "r-" + string(b[:])
}

func defaultOwner() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "resetbot"
	}
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}

type nopObserver struct{}

func (nopObserver) Submitted(policy.Action, string)          {}
func (nopObserver) Approved(policy.Action)                   {}
func (nopObserver) Ran(policy.Action, string, time.Duration) {}
