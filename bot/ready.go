package bot

import (
	"context"
	"fmt"
)

// prepare is what Run does before it handles the first envelope: it learns the bot's
// workspace and app from Slack when the config does not name them, then waits for
// Config.Ready and serves with what it hands. The connection opens meanwhile; no envelope
// is handled before prepare returns (Run's known), so the handlers read what it set.
func (b *Bot) prepare(ctx context.Context) (identity, error) {
	id := identity{Team: b.cfg.TeamID, App: b.cfg.AppID}
	if id.Team == "" || id.App == "" {
		var err error
		if id, err = b.identify(ctx); err != nil {
			return identity{}, fmt.Errorf("bot: learning the bot's workspace and app from Slack: %w", err)
		}
	}
	if b.cfg.Ready != nil {
		deps, err := b.cfg.Ready(ctx)
		if err != nil {
			return identity{}, fmt.Errorf("bot: getting ready to handle envelopes: %w", err)
		}
		if missing := deps.missing(); len(missing) > 0 {
			return identity{}, fmt.Errorf("bot: getting ready to handle envelopes: Ready handed no %v", missing)
		}
		b.served.Do(func() { b.serveWith(ctx, deps) })
	}
	return id, nil
}

// serveWith makes the bot serve with d, handed by Config.Ready, and publishes the Home tabs
// that changes marked while it waited. The first Run's Ready hands what the bot serves with
// for good: later ones are only waited for.
func (b *Bot) serveWith(ctx context.Context, d Deps) {
	b.svc, b.pol, b.claims = d.Workflow, d.Policy, d.Claims
	b.homes.mu.Lock()
	marked := len(b.homes.dirty) > 0
	b.homes.running = marked
	b.homes.mu.Unlock()
	if marked {
		b.homeWork.Go(func() { b.publishMarkedHomes(context.WithoutCancel(ctx)) })
	}
}
