package approval_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/fakeclock"
	"github.com/resetbot/resetbot/internal/secret"
	"github.com/resetbot/resetbot/policy"
)

// dirCall is one call that reached the fake directory.
type dirCall struct {
	Op       string // "lookup", "lookup-user" (no groups), "run", "signout"
	Pool     string // pool id
	Username string // the ref for a lookup
	Action   policy.Action
}

// fakeDir is a stateful in-memory Cognito: users per pool, actions that change them, scripted
// failures and a hook to hold a run.
type fakeDir struct {
	mu    sync.Mutex
	users map[string]map[string]*approval.User // pool id → username → user
	calls []dirCall
	// fail answers an op ("lookup", "signout") or an action ("reset", ...) with an error.
	fail map[string]error
	// secretErr makes Run return a secret along with an error.
	n int
	// hold, when set, is called by Run before it acts; it may block.
	hold func(ctx context.Context)
	// holdLookup, when set, is called by Lookup before it answers; it may block.
	holdLookup func(ctx context.Context)
}

func newFakeDir(pools ...policy.Pool) *fakeDir {
	d := &fakeDir{users: map[string]map[string]*approval.User{}, fail: map[string]error{}}
	for _, p := range pools {
		d.users[p.ID] = map[string]*approval.User{}
		for _, u := range seedUsers() {
			d.users[p.ID][u.Username] = u
		}
	}
	return d
}

var created = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

func seedUsers() []*approval.User {
	return []*approval.User{
		{Username: "alice", Sub: "sub-alice", Status: "CONFIRMED", Enabled: true, Email: "alice@example.com", EmailVerified: true,
			Groups: []string{"customers"}, Created: created, Modified: created},
		{Username: "bob", Sub: "sub-bob", Status: "CONFIRMED", Enabled: true, Email: "bob@example.com",
			Groups: []string{"customers"}, Created: created, Modified: created},
		{Username: "carol", Sub: "sub-carol", Status: "CONFIRMED", Enabled: true, Phone: "+14155550123",
			Created: created, Modified: created},
		{Username: "root", Sub: "sub-root", Status: "CONFIRMED", Enabled: true, Email: "root@example.com", EmailVerified: true,
			Groups: []string{"admins"}, Created: created, Modified: created},
	}
}

func (d *fakeDir) record(c dirCall) {
	d.calls = append(d.calls, c)
}

// Calls counts the calls of an op ("lookup", "run", "signout").
func (d *fakeDir) Calls(op string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, c := range d.calls {
		if c.Op == op {
			n++
		}
	}
	return n
}

func (d *fakeDir) setFail(key string, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err == nil {
		delete(d.fail, key)
		return
	}
	d.fail[key] = err
}

func (d *fakeDir) user(poolID, username string) *approval.User {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.users[poolID][username]
}

// edit changes a user under the lock (a change made in the AWS console meanwhile).
func (d *fakeDir) edit(poolID, username string, change func(u *approval.User)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	change(d.users[poolID][username])
}

func (d *fakeDir) Lookup(ctx context.Context, pool policy.Pool, ref string) (approval.User, error) {
	return d.lookup(ctx, pool, ref, "lookup")
}

// LookupUser is Lookup without the groups, recorded as op "lookup-user".
func (d *fakeDir) LookupUser(ctx context.Context, pool policy.Pool, ref string) (approval.User, error) {
	u, err := d.lookup(ctx, pool, ref, "lookup-user")
	u.Groups = nil
	return u, err
}

func (d *fakeDir) lookup(ctx context.Context, pool policy.Pool, ref, op string) (approval.User, error) {
	d.mu.Lock()
	hold := d.holdLookup
	d.mu.Unlock()
	if hold != nil {
		hold(ctx)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.record(dirCall{Op: op, Pool: pool.ID, Username: ref})
	if err := d.fail["lookup"]; err != nil {
		return approval.User{}, err
	}
	users, ok := d.users[pool.ID]
	if !ok {
		return approval.User{}, &approval.Error{Code: approval.EPOOLNOTFOUND, Message: fmt.Sprintf("Cognito has no user pool %s.", pool.ID)}
	}
	for _, u := range users {
		if u.Username == ref || u.Email == ref || u.Sub == ref {
			c := *u
			c.Groups = slices.Clone(u.Groups)
			return c, nil
		}
	}
	return approval.User{}, &approval.Error{Code: approval.ENOTFOUND, Message: fmt.Sprintf("There is no user %s in pool %s.", ref, pool.Name)}
}

// actions are what Run does to a user, per action.
var actions = map[policy.Action]func(u *approval.User, n int) (approval.RunResult, error){
	policy.ActionReset: func(u *approval.User, n int) (approval.RunResult, error) {
		if !u.EmailVerified && !u.PhoneVerified {
			return approval.RunResult{AWSRequestID: fmt.Sprintf("aws-%d", n)}, &approval.Error{Code: approval.ENOVERIFIEDCONTACT,
				Message: "Cognito cannot send a reset code: the user has no verified email or phone number."}
		}
		u.Status = "RESET_REQUIRED"
		return approval.RunResult{AWSRequestID: fmt.Sprintf("aws-%d", n)}, nil
	},
	policy.ActionTempPassword: func(u *approval.User, n int) (approval.RunResult, error) {
		u.Status = "FORCE_CHANGE_PASSWORD"
		return approval.RunResult{AWSRequestID: fmt.Sprintf("aws-%d", n), Password: secret.New(secretFor(n)), ValidDays: 7}, nil
	},
	policy.ActionPermanentPassword: func(u *approval.User, n int) (approval.RunResult, error) {
		u.Status = "CONFIRMED"
		return approval.RunResult{AWSRequestID: fmt.Sprintf("aws-%d", n), Password: secret.New(secretFor(n))}, nil
	},
	policy.ActionVerifyEmail: func(u *approval.User, n int) (approval.RunResult, error) {
		u.EmailVerified = true
		return approval.RunResult{AWSRequestID: fmt.Sprintf("aws-%d", n)}, nil
	},
	policy.ActionVerifyPhone: func(u *approval.User, n int) (approval.RunResult, error) {
		u.PhoneVerified = true
		return approval.RunResult{AWSRequestID: fmt.Sprintf("aws-%d", n)}, nil
	},
	policy.ActionSignOut: func(_ *approval.User, n int) (approval.RunResult, error) {
		return approval.RunResult{AWSRequestID: fmt.Sprintf("aws-%d", n)}, nil
	},
}

// secretFor is the n-th generated password: distinctive, so a scan for it cannot miss.
func secretFor(n int) string { return fmt.Sprintf("Qz7#leak-canary-%04d!", n) }

func (d *fakeDir) Run(ctx context.Context, pool policy.Pool, user approval.User, action policy.Action) (approval.RunResult, error) {
	username := user.Username
	d.mu.Lock()
	hold := d.hold
	d.mu.Unlock()
	if hold != nil {
		hold(ctx)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.n++
	d.record(dirCall{Op: "run", Pool: pool.ID, Username: username, Action: action})
	if err := d.fail[string(action)]; err != nil {
		return approval.RunResult{AWSRequestID: fmt.Sprintf("aws-%d", d.n)}, err
	}
	u := d.users[pool.ID][username]
	if u == nil {
		return approval.RunResult{}, &approval.Error{Code: approval.ENOTFOUND, Message: "There is no such user."}
	}
	return actions[action](u, d.n)
}

func (d *fakeDir) SignOut(_ context.Context, pool policy.Pool, username string) (approval.RunResult, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.n++
	d.record(dirCall{Op: "signout", Pool: pool.ID, Username: username})
	if err := d.fail["signout"]; err != nil {
		return approval.RunResult{}, err
	}
	return approval.RunResult{AWSRequestID: fmt.Sprintf("aws-%d", d.n)}, nil
}

// notice is one step the fake notifier was told, with the request's state at the time.
type notice struct {
	ID     string
	State  approval.State
	Thread approval.Thread
	approval.Notice
}

type delivered struct {
	ID        string
	Requester string
	approval.Secret
}

// cardUpdate is a card drawn again with no notice.
type cardUpdate struct {
	ID      string
	State   approval.State
	Version int64
}

// fakeNotifier is Slack as the workflow sees it: it remembers cards, notices and secrets.
type fakeNotifier struct {
	mu      sync.Mutex
	cards   []string // request ids
	notices []notice
	secrets []delivered
	updates []cardUpdate // cards drawn again with no notice
	n       int
	told    chan struct{} // closed on the next notice, for waitNotice; nil when no one waits

	cardErr, notifyErr, secretErr error
	// posted are the threads of the cards posted, by request id: what FindCard finds.
	posted map[string]approval.Thread
	// findErr, when set, is FindCard's answer; finds counts its calls.
	findErr error
	finds   int
	// drawErr, when set, makes every draw of a card fail: UpdateCard, and the update of the
	// card a notice makes (the notice itself is posted).
	drawErr error
	// shown is, per request, what its card shows: the last draw that succeeded.
	shown map[string]cardUpdate
	// onCard, when set, runs while a card is being posted (outside the lock).
	onCard func(r *approval.Request)
	// onNotify, when set, runs while a notice is being posted (outside the lock).
	onNotify func(r *approval.Request, n approval.Notice)
}

func (f *fakeNotifier) PostCard(_ context.Context, r *approval.Request) (approval.Thread, error) {
	if f.onCard != nil {
		f.onCard(r)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cardErr != nil {
		return approval.Thread{}, f.cardErr
	}
	f.n++
	f.cards = append(f.cards, r.ID)
	t := approval.Thread{Channel: r.Channel, TS: fmt.Sprintf("1700000000.%06d", f.n)}
	if f.posted == nil {
		f.posted = map[string]approval.Thread{}
	}
	f.posted[r.ID] = t
	f.draw(r)
	return t, nil
}

// FindCard finds the card posted for r, whatever the time: the tests hold the window to Slack
// in the bot package.
func (f *fakeNotifier) FindCard(_ context.Context, r *approval.Request, _, _ time.Time) (approval.Thread, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.finds++
	if f.findErr != nil {
		return approval.Thread{}, f.findErr
	}
	return f.posted[r.ID], nil
}

func (f *fakeNotifier) Notify(_ context.Context, r *approval.Request, n approval.Notice) error {
	if f.onNotify != nil {
		f.onNotify(r, n)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notices = append(f.notices, notice{ID: r.ID, State: r.State, Thread: r.Thread, Notice: n})
	if f.told != nil {
		close(f.told)
		f.told = nil
	}
	if f.notifyErr != nil || n.CardDrawn {
		return f.notifyErr
	}
	if f.drawErr != nil {
		return f.drawErr
	}
	f.draw(r)
	return nil
}

// draw records that r's card shows r now. The caller holds f.mu.
func (f *fakeNotifier) draw(r *approval.Request) {
	if f.shown == nil {
		f.shown = map[string]cardUpdate{}
	}
	f.shown[r.ID] = cardUpdate{ID: r.ID, State: r.State, Version: r.Version}
}

// shows is what the card of request id shows: the request as it was last drawn.
func (f *fakeNotifier) shows(id string) cardUpdate {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.shown[id]
}

// setDrawErr makes every draw of a card fail with err from now on (nil: succeed).
func (f *fakeNotifier) setDrawErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.drawErr = err
}

// drawn counts the cards drawn again with no notice.
func (f *fakeNotifier) drawn() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.updates)
}

// waitNotice returns once a notice of the kind has been told about a request, or ctx ends.
func (f *fakeNotifier) waitNotice(ctx context.Context, id string, kind approval.NoticeKind) error {
	for {
		f.mu.Lock()
		found := slices.ContainsFunc(f.notices, func(n notice) bool { return n.ID == id && n.Kind == kind })
		if f.told == nil {
			f.told = make(chan struct{})
		}
		told := f.told
		f.mu.Unlock()
		if found {
			return nil
		}
		select {
		case <-told:
		case <-ctx.Done():
			return fmt.Errorf("waiting for a %s notice of %s: %w", kind, id, ctx.Err())
		}
	}
}

func (f *fakeNotifier) UpdateCard(_ context.Context, r *approval.Request) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, cardUpdate{ID: r.ID, State: r.State, Version: r.Version})
	switch {
	case f.notifyErr != nil:
		return f.notifyErr
	case f.drawErr != nil:
		return f.drawErr
	}
	f.draw(r)
	return nil
}

func (f *fakeNotifier) DeliverSecret(_ context.Context, r *approval.Request, s approval.Secret) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.secretErr != nil {
		return fmt.Errorf("%w (while posting %q)", f.secretErr, s.Password.Reveal())
	}
	f.secrets = append(f.secrets, delivered{ID: r.ID, Requester: r.Requester, Secret: s})
	return nil
}

// kinds lists the kinds of the notices told about a request, in order.
func (f *fakeNotifier) kinds(id string) []approval.NoticeKind {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []approval.NoticeKind{}
	for _, n := range f.notices {
		if n.ID == id {
			out = append(out, n.Kind)
		}
	}
	return out
}

// last is the last notice told about a request.
func (f *fakeNotifier) last(id string) notice {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.notices) - 1; i >= 0; i-- {
		if f.notices[i].ID == id {
			return f.notices[i]
		}
	}
	return notice{}
}

func (f *fakeNotifier) all() []notice {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.notices)
}

func (f *fakeNotifier) delivered() []delivered {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.secrets)
}

// clock is the tests' fake clock.
type clock = fakeclock.Clock

// observer counts what the service reports for metrics.
type observer struct {
	mu        sync.Mutex
	submitted map[string]int // action/outcome
	approved  int
	ran       map[string]int // action/outcome
	panics    map[string]int // where
}

func (o *observer) Panicked(where string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.panics[where]++
}

func (o *observer) panicked() map[string]int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return maps(o.panics)
}

func newObserver() *observer {
	return &observer{submitted: map[string]int{}, ran: map[string]int{}, panics: map[string]int{}}
}

func (o *observer) Submitted(a policy.Action, outcome string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.submitted[string(a)+"/"+outcome]++
}

func (o *observer) Approved(policy.Action) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.approved++
}

func (o *observer) Ran(a policy.Action, outcome string, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ran[string(a)+"/"+outcome]++
}

func (o *observer) counts() (submitted map[string]int, approved int, ran map[string]int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return maps(o.submitted), o.approved, maps(o.ran)
}

func maps(m map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// faultStore is a store whose methods can be made to fail.
type faultStore struct {
	approval.Store
	mu   sync.Mutex
	fail map[string]error // method name → error
	// times, when set for a method, is how many more calls fail; the error is removed after.
	times map[string]int
	// onFail, when set, is called after each call that failed.
	onFail func(method string)
	// written lists, per request, the state of each successful Update.
	written map[string][]approval.State
	// beforeWrite, when set, is called by each Update before it writes; it may block.
	beforeWrite func(r *approval.Request)
	// gets counts the requests read with Get.
	gets int
}

// Get reads a request, and counts it.
func (f *faultStore) Get(ctx context.Context, id string) (*approval.Request, error) {
	f.mu.Lock()
	f.gets++
	f.mu.Unlock()
	return f.Store.Get(ctx, id)
}

// reads is how many requests were read with Get.
func (f *faultStore) reads() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gets
}

// setBeforeWrite sets the hook called by each Update before it writes.
func (f *faultStore) setBeforeWrite(hook func(r *approval.Request)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.beforeWrite = hook
}

// statesWritten lists the states Update wrote for a request, in order.
func (f *faultStore) statesWritten(id string) []approval.State {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.written[id])
}

func (f *faultStore) err(method string) error {
	f.mu.Lock()
	err := f.fail[method]
	if n, ok := f.times[method]; ok && err != nil {
		if n <= 1 {
			delete(f.times, method)
			delete(f.fail, method)
		} else {
			f.times[method] = n - 1
		}
	}
	hook := f.onFail
	f.mu.Unlock()
	if err != nil && hook != nil {
		hook(method)
	}
	return err
}

// setOnFail sets the hook called after each failed call.
func (f *faultStore) setOnFail(hook func(method string)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onFail = hook
}

// failTimes makes the next n calls of method fail with err.
func (f *faultStore) failTimes(method string, n int, err error) {
	f.setFail(method, err)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.times == nil {
		f.times = map[string]int{}
	}
	f.times[method] = n
}

func (f *faultStore) setFail(method string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail == nil {
		f.fail = map[string]error{}
	}
	f.fail[method] = err
}

func (f *faultStore) Create(ctx context.Context, r *approval.Request, events ...approval.Event) error {
	if err := f.err("Create"); err != nil {
		return err
	}
	return f.Store.Create(ctx, r, events...)
}

func (f *faultStore) CreateLimited(ctx context.Context, r *approval.Request, limits []approval.Limit, events ...approval.Event) error {
	if err := f.err("Create"); err != nil {
		return err
	}
	if err := f.err("CreateLimited"); err != nil {
		return err
	}
	return f.Store.CreateLimited(ctx, r, limits, events...)
}

func (f *faultStore) Update(ctx context.Context, r *approval.Request, events ...approval.Event) error {
	return f.UpdateClaiming(ctx, r, approval.Envelope{}, events...)
}

// UpdateDrawn fails as Update does.
func (f *faultStore) UpdateDrawn(ctx context.Context, r *approval.Request, events ...approval.Event) error {
	return f.write(r, func() error { return f.Store.UpdateDrawn(ctx, r, events...) })
}

// UpdateClaiming fails as Update does.
func (f *faultStore) UpdateClaiming(ctx context.Context, r *approval.Request, e approval.Envelope, events ...approval.Event) error {
	return f.write(r, func() error { return f.Store.UpdateClaiming(ctx, r, e, events...) })
}

// write is a compare-and-swap write of r made by write: it fails as Update does, and records
// the state written.
func (f *faultStore) write(r *approval.Request, write func() error) error {
	if err := f.err("Update"); err != nil {
		return err
	}
	f.mu.Lock()
	hook := f.beforeWrite
	f.mu.Unlock()
	if hook != nil {
		hook(r)
	}
	if err := write(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.written == nil {
		f.written = map[string][]approval.State{}
	}
	f.written[r.ID] = append(f.written[r.ID], r.State)
	return nil
}

func (f *faultStore) Append(ctx context.Context, e approval.Event) error {
	if err := f.err("Append"); err != nil {
		return err
	}
	return f.Store.Append(ctx, e)
}

func (f *faultStore) Due(ctx context.Context, now time.Time) ([]*approval.Request, error) {
	if err := f.err("Due"); err != nil {
		return nil, err
	}
	return f.Store.Due(ctx, now)
}

func (f *faultStore) Pending(ctx context.Context) ([]*approval.Request, error) {
	if err := f.err("Pending"); err != nil {
		return nil, err
	}
	return f.Store.Pending(ctx)
}

func (f *faultStore) EachPending(ctx context.Context, fn func(*approval.Request) error) error {
	if err := f.err("EachPending"); err != nil {
		return err
	}
	return f.Store.EachPending(ctx, fn)
}

func (f *faultStore) History(ctx context.Context, poolID, username string, limit int) ([]*approval.Request, error) {
	if err := f.err("History"); err != nil {
		return nil, err
	}
	return f.Store.History(ctx, poolID, username, limit)
}

func (f *faultStore) CountByRequester(ctx context.Context, requester string, since time.Time) (int, error) {
	if err := f.err("CountByRequester"); err != nil {
		return 0, err
	}
	return f.Store.CountByRequester(ctx, requester, since)
}

func (f *faultStore) CountByTarget(ctx context.Context, poolID, username string, since time.Time) (int, error) {
	if err := f.err("CountByTarget"); err != nil {
		return 0, err
	}
	return f.Store.CountByTarget(ctx, poolID, username, since)
}

// logBuffer collects log output from many goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// errBoom is a failure with nothing to say.
var errBoom = errors.New("boom")
