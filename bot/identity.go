package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"
)

// identity is the workspace and the app the bot token belongs to: the envelopes the bot
// answers must come from that workspace (or, for an org-wide install, that enterprise) and be
// meant for that app.
type identity struct {
	Team       string
	Enterprise string
	App        string
}

// identifyBackoff is the wait between attempts to learn the bot's identity while Slack
// cannot be reached; it doubles up to identifyBackoffMax.
const (
	identifyBackoff    = time.Second
	identifyBackoffMax = 30 * time.Second
)

// identify asks Slack which workspace and app the bot token belongs to (auth.test, then
// bots.info for the app of the token's bot user), retrying while Slack cannot be reached. A
// token Slack refuses fails at once.
func (b *Bot) identify(ctx context.Context) (identity, error) {
	wait := identifyBackoff
	for {
		id, err := b.askIdentity(ctx)
		if err == nil {
			return id, nil
		}
		var se slack.SlackErrorResponse
		if errors.As(err, &se) || ctx.Err() != nil {
			return identity{}, err
		}
		b.log.WarnContext(ctx, "asking Slack who the bot is failed; retrying", "err", err, "retry_in", wait.String())
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return identity{}, fmt.Errorf("%w (last: %w)", ctx.Err(), err)
		case <-t.C:
		}
		wait = min(2*wait, identifyBackoffMax)
	}
}

func (b *Bot) askIdentity(ctx context.Context) (identity, error) {
	auth, err := b.client.AuthTestContext(ctx)
	if err != nil {
		return identity{}, fmt.Errorf("auth.test: %w", err)
	}
	if auth.BotID == "" {
		return identity{}, errors.New("auth.test: the token is not a bot token (no bot_id)")
	}
	bot, err := b.client.GetBotInfoContext(ctx, slack.GetBotInfoParameters{Bot: auth.BotID})
	if err != nil {
		return identity{}, fmt.Errorf("bots.info %s: %w", auth.BotID, err)
	}
	if bot.AppID == "" {
		return identity{}, fmt.Errorf("bots.info %s: no app_id", auth.BotID)
	}
	return identity{Team: auth.TeamID, Enterprise: auth.EnterpriseID, App: bot.AppID}, nil
}

// admits reports whether an envelope from team (of enterprise) for app is one the bot
// answers: its workspace, and its app. An org-wide install has no team of its own, so its
// envelopes are checked against the enterprise instead.
func (id identity) admits(team, enterprise, app string) bool {
	if app != id.App {
		return false
	}
	if id.Team == "" {
		return id.Enterprise != "" && enterprise == id.Enterprise
	}
	return team == id.Team
}
