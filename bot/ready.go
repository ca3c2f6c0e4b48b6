package bot

import (
	"context"
	"fmt"
)

// prepare is what Run does before it handles the first envelope: it learns the bot's
// workspace and app from Slack when the config does not name them, then waits for
// Config.Ready. The connection opens meanwhile.
func (b *Bot) prepare(ctx context.Context) (identity, error) {
	id := identity{Team: b.cfg.TeamID, App: b.cfg.AppID}
	if id.Team == "" || id.App == "" {
		var err error
		if id, err = b.identify(ctx); err != nil {
			return identity{}, fmt.Errorf("bot: learning the bot's workspace and app from Slack: %w", err)
		}
	}
	if b.cfg.Ready != nil {
		if err := b.cfg.Ready(ctx); err != nil {
			return identity{}, fmt.Errorf("bot: getting ready to handle envelopes: %w", err)
		}
	}
	return id, nil
}
