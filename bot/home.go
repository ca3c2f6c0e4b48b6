package bot

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// homeTimeout bounds each step of publishing Home tabs: reading the queues, publishing a tab.
const homeTimeout = time.Minute

// onAppHomeOpened publishes the person's Home tab when they open it; it runs in the work pool.
func (b *Bot) onAppHomeOpened(ctx context.Context, e *slackevents.AppHomeOpenedEvent) {
	if e.Tab != "home" || e.User == "" {
		return
	}
	b.publishHome(ctx, e.User)
}

// publishHome renders and publishes user's Home tab: what waits for their approval, their
// open requests and their last decisions. A failure is logged; the tab keeps what it showed.
func (b *Bot) publishHome(ctx context.Context, user string) { _ = b.publishHomes(ctx, []string{user}) }

// publishHomes publishes the Home tabs of users, from one read of the open requests, each
// with their Slack user groups of now. Failures are logged; a tab that fails keeps what it
// showed. Each step (the read, each publish) has homeTimeout. It returns how long reading the
// queues took.
func (b *Bot) publishHomes(ctx context.Context, users []string) (read time.Duration) {
	people := make([]policy.Approver, 0, len(users))
	for _, u := range users {
		groups, err := b.groups.of(ctx, u)
		if err != nil {
			b.log.WarnContext(ctx, "reading Slack user groups for a queue failed", "user", u, "err", err)
			continue
		}
		people = append(people, policy.Approver{User: u, Groups: groups})
	}
	if len(people) == 0 {
		return 0
	}
	rctx, cancel := context.WithTimeout(ctx, homeTimeout)
	began := time.Now()
	queues, err := b.svc.QueuesOf(rctx, people...)
	read = time.Since(began)
	cancel()
	if err != nil {
		b.log.ErrorContext(ctx, "reading the queues failed", "users", len(people), "err", err)
		return read
	}
	link := permalink(b.notifier.workspaceURL(ctx))
	for i, a := range people {
		view := b.rd.home(queues[i], link, b.notifier.now())
		pctx, cancel := context.WithTimeout(ctx, homeTimeout)
		_, err := b.client.PublishViewContext(pctx, slack.PublishViewContextRequest{UserID: a.User, View: view})
		cancel()
		if err != nil {
			b.log.WarnContext(ctx, "publishing the Home tab failed", "user", a.User, "err", err)
		}
	}
	return read
}

// republishHomes publishes again, in the background, the Home tab of everyone a request's
// change concerns: its requester, whoever decided it, and everyone the policy lets approve it.
// Changes coalesce: the people are marked, and one goroutine at a time publishes each marked
// person's tab once per pass, however many changes concerned them meanwhile, so that a busy
// channel costs a tab per person per pass rather than a tab per person per change.
func (b *Bot) republishHomes(ctx context.Context, r *approval.Request) {
	users := b.concerned(r)
	if len(users) == 0 {
		return
	}
	b.homes.mu.Lock()
	for _, u := range users {
		b.homes.dirty[u] = struct{}{}
	}
	start := !b.homes.running
	b.homes.running = true
	b.homes.mu.Unlock()
	if start {
		b.homeWork.Go(func() { b.publishMarkedHomes(context.WithoutCancel(ctx)) })
	}
}

// homePassInterval is the least time between the starts of two passes of publishMarkedHomes.
const homePassInterval = time.Second

// homePassShare bounds the time passes spend reading the queues: after a pass whose read took
// d, the next starts no sooner than homePassShare×d after it began, so that when thousands of
// requests are open and reading them is slow, the Home tabs are published less often rather
// than taking the CPU from the requests themselves.
const homePassShare = 10

// homePassWait is the least time between the start of a pass whose read took read and the
// next.
func homePassWait(read time.Duration) time.Duration {
	return max(homePassInterval, homePassShare*read)
}

// homeMarks are the people whose Home tab is to be published again.
type homeMarks struct {
	mu      sync.Mutex
	dirty   map[string]struct{}
	running bool // a publishMarkedHomes is running
}

// homeStartsWait bounds how long a pass waits for the clicks and runs on their way to Cognito
// to start their actions (Workflow.StartsDone).
const homeStartsWait = 5 * time.Second

// publishMarkedHomes publishes the marked people's tabs, pass after pass, until none is
// marked. Each pass first lets the clicks and runs on their way to Cognito start their actions
// (for at most homeStartsWait): with hundreds of approvals at once, a pass over every open
// request and a tab for each person concerned took the CPU and a store connection from them,
// and a tab published a moment later costs nothing.
func (b *Bot) publishMarkedHomes(ctx context.Context) {
	for {
		wait := time.NewTimer(homeStartsWait)
		select {
		case <-b.svc.StartsDone():
		case <-wait.C:
		}
		wait.Stop()
		began := time.Now()
		b.homes.mu.Lock()
		if len(b.homes.dirty) == 0 {
			b.homes.running = false
			b.homes.mu.Unlock()
			return
		}
		users := slices.Sorted(maps.Keys(b.homes.dirty))
		clear(b.homes.dirty)
		b.homes.mu.Unlock()
		read := b.publishHomes(ctx, users)
		if wait := homePassWait(read) - time.Since(began); wait > 0 {
			b.homes.mu.Lock()
			more := len(b.homes.dirty) > 0
			b.homes.mu.Unlock()
			if more {
				time.Sleep(wait)
			}
		}
	}
}

// concerned lists the people whose Home tab shows r, in a stable order.
func (b *Bot) concerned(r *approval.Request) []string {
	users := []string{r.Requester, r.DecidedBy}
	for _, a := range r.Approvals {
		users = append(users, a.By)
	}
	for _, p := range r.Approvers {
		switch {
		case strings.HasPrefix(p, "@"), strings.HasPrefix(p, "S"):
			users = append(users, b.groups.members(p)...)
		default:
			users = append(users, p)
		}
	}
	users = slices.DeleteFunc(users, func(u string) bool { return !isSlackID(u) || u == "system" })
	slices.Sort(users)
	return slices.Compact(users)
}
