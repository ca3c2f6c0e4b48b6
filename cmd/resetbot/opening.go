package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/bot"
	"github.com/resetbot/resetbot/policy/policyfile"
)

// opening is what an App opens that takes time — the policy file, the store (its file or
// server, and the schema's migrations) and the AWS configuration — and the workflow built on
// them. After
// Start, Run opens it while the bot connects to Slack; the bot waits for it
// (bot.Config.Ready) before it handles an envelope. Its fields are set before done is closed.
type opening struct {
	started bool          // set when the opening began; before, there is nothing to wait for
	done    chan struct{} // closed when the opening ended, err saying how
	err     error
	// later is the opening Start leaves to Run. Run calls it on its own goroutine, whose
	// stack the process's start has grown already: on a new goroutine, the store's deep calls
	// grow and copy a small stack, reading a megabyte more of the binary's tables into memory.
	later func(ctx context.Context) error

	policy  *policyfile.Holder
	store   approval.Store
	service *approval.Service
}

// startFailure is why an App started with Start could not open: Run returns it, and serve
// says it could not start, as it does when New fails.
type startFailure struct{ error }

func (e startFailure) Unwrap() error { return e.error }

func newOpening() opening { return opening{done: make(chan struct{})} }

// openNow runs open and waits for it.
func (o *opening) openNow(ctx context.Context, open func(ctx context.Context) error) error {
	o.started = true
	o.err = open(ctx)
	close(o.done)
	return o.err
}

// openLater leaves open to openLeft: its error will be a startFailure.
func (o *opening) openLater(open func(ctx context.Context) error) {
	o.later = func(ctx context.Context) error {
		if err := open(ctx); err != nil {
			return startFailure{err}
		}
		return nil
	}
}

// openLeft runs what openLater left, if anything, and waits for it.
func (o *opening) openLeft(ctx context.Context) {
	if open := o.later; open != nil {
		o.later = nil
		_ = o.openNow(ctx, open)
	}
}

// waitOpen waits until the opening has ended, and returns its error; or ctx's, when ctx ends
// first.
func (o *opening) waitOpen(ctx context.Context) error {
	select {
	case <-o.done:
		return o.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// botReady is the bot's Config.Ready: it waits for the opening, and hands the bot the
// workflow, the policy and the store it opened.
func (o *opening) botReady(ctx context.Context) (bot.Deps, error) {
	if err := o.waitOpen(ctx); err != nil {
		return bot.Deps{}, err
	}
	return bot.Deps{Workflow: o.service, Policy: o.policy, Claims: o.store}, nil
}

// opened reports whether the opening has ended well, without waiting for it.
func (o *opening) opened() bool {
	select {
	case <-o.done:
		return o.err == nil
	default:
		return false
	}
}

// openedReleasers is what the opening opened that can give memory back (the store when it
// can, the workflow), once it has ended well, and none before.
func (o *opening) openedReleasers() []memoryReleaser {
	if !o.opened() {
		return nil
	}
	var out []memoryReleaser
	if r, ok := o.store.(memoryReleaser); ok {
		out = append(out, r)
	}
	return append(out, o.service)
}

// storeReady is the readiness check of the store: open, and answering.
func (o *opening) storeReady(ctx context.Context) error {
	select {
	case <-o.done:
	default:
		return errors.New("the store is still opening")
	}
	if o.err != nil {
		return fmt.Errorf("resetbot did not start: %w", o.err)
	}
	return o.store.Ping(ctx)
}

// closeOpening closes the store the opening opened.
func (o *opening) closeOpening() error {
	if !o.started {
		return nil
	}
	<-o.done
	if o.store == nil {
		return nil
	}
	if err := o.store.Close(); err != nil {
		return fmt.Errorf("closing the store: %w", err)
	}
	return nil
}
