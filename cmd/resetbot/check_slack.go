package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/slack-go/slack"
)

// Where people find the tokens, for the fixes.
const (
	whereBotToken = "your app's page at api.slack.com/apps → OAuth & Permissions → Bot User OAuth Token"
	whereAppToken = "your app's page at api.slack.com/apps → Basic Information → App-Level Tokens"
)

// botTokenProblems explain auth.test's errors for the bot token.
var botTokenProblems = map[string]problem{
	"invalid_auth": {"Slack does not accept RESETBOT_SLACK_BOT_TOKEN (mistyped, or from another workspace)",
		"copy the token again from " + whereBotToken},
	"not_authed": {"Slack received no bot token", "set RESETBOT_SLACK_BOT_TOKEN to the token from " + whereBotToken},
	"token_revoked": {"the bot token was revoked (the app was uninstalled or reinstalled)",
		"reinstall the app (Install App → Reinstall to Workspace) and use the new token from " + whereBotToken},
	"token_expired": {"the bot token expired: token rotation is on for the app",
		"turn token rotation off (OAuth & Permissions → Advanced token security), reinstall the app and use the new token; resetbot does not refresh tokens"},
	"account_inactive": {"the bot token belongs to an app or workspace that is no longer active",
		"reinstall the app in an active workspace and use the new token from " + whereBotToken},
	"not_allowed_token_type": {"RESETBOT_SLACK_BOT_TOKEN is not a bot token",
		"use the Bot User OAuth Token (xoxb-…) from " + whereBotToken},
	"ratelimited": {"Slack rate-limited the check", "wait a minute and run resetbot check again"},
}

// appTokenProblems explain apps.connections.open's errors for the app-level token.
var appTokenProblems = map[string]problem{
	"missing_scope": {"the app-level token lacks the " + appTokenScope + " scope, so the bot cannot open a Socket Mode connection",
		"generate an app-level token with the " + appTokenScope + " scope in " + whereAppToken + " and set RESETBOT_SLACK_APP_TOKEN to it"},
	"invalid_auth": {"Slack does not accept RESETBOT_SLACK_APP_TOKEN (mistyped, revoked, or from another app)",
		"copy the token again from " + whereAppToken},
	"not_authed": {"Slack received no app-level token", "set RESETBOT_SLACK_APP_TOKEN to the token from " + whereAppToken},
	"token_revoked": {"the app-level token was revoked",
		"generate a new one with the " + appTokenScope + " scope in " + whereAppToken},
	"not_allowed_token_type": {"RESETBOT_SLACK_APP_TOKEN is not an app-level token",
		"use an app-level token (xapp-…) with the " + appTokenScope + " scope from " + whereAppToken},
	"account_inactive": {"the app-level token belongs to an app that is no longer active",
		"generate a new one in " + whereAppToken},
	"ratelimited": {"Slack rate-limited the check", "wait a minute and run resetbot check again"},
}

// slackProblem explains an error a Slack call returned.
func (p *preflight) slackProblem(err error, known map[string]problem, method string) problem {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		if pr, ok := known[se.Err]; ok {
			return pr
		}
		return problem{fmt.Sprintf("Slack answered %s with the error %q", method, se.Err),
			"see Troubleshooting in the README for " + se.Err}
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return known["ratelimited"]
	}
	where := "Slack"
	if p.cfg.SlackAPIURL != "" {
		where = p.cfg.SlackAPIURL
	}
	return problem{fmt.Sprintf("could not reach %s: %v", where, err),
		"check that this host can open HTTPS connections to Slack (a proxy is taken from HTTPS_PROXY)"}
}

// grantedScopes reads the scopes Slack reports a token has (the X-OAuth-Scopes header), and
// whether it reported them at all.
func grantedScopes(h http.Header) ([]string, bool) {
	vals, ok := h["X-Oauth-Scopes"]
	if !ok {
		return nil, false
	}
	var scopes []string
	for _, s := range strings.Split(strings.Join(vals, ","), ",") {
		if s = strings.TrimSpace(s); s != "" {
			scopes = append(scopes, s)
		}
	}
	return scopes, true
}

// slackClient is a Web API client with the configured tokens and base URL.
func (p *preflight) slackClient() *slack.Client {
	return newSlackClient(p.cfg, &http.Client{Timeout: checkTimeout})
}

// checkBotToken calls auth.test with the bot token, and compares the scopes Slack says the
// token has with the ones the bot uses.
func (p *preflight) checkBotToken(ctx context.Context) checkResult {
	const name = "Slack bot token"
	resp, err := p.slackClient().AuthTestContext(ctx)
	if err != nil {
		return fail(name, p.slackProblem(err, botTokenProblems, "auth.test"))
	}
	if resp.BotID == "" {
		return fail(name, problem{
			fmt.Sprintf("RESETBOT_SLACK_BOT_TOKEN belongs to the user %s, not to a bot", resp.User),
			"use the Bot User OAuth Token (xoxb-…) from " + whereBotToken})
	}
	p.team = slackTeam{ID: resp.TeamID, Name: resp.Team, Enterprise: resp.EnterpriseID}
	who := fmt.Sprintf("@%s (%s) in workspace %s (%s)", resp.User, resp.UserID, resp.Team, resp.TeamID)
	granted, reported := grantedScopes(resp.Header)
	if !reported {
		return pass(name, "%s", who)
	}
	var missing, optional []string
	for _, s := range botScopes {
		switch {
		case slices.Contains(granted, s):
		case optionalScopes[s] != "":
			optional = append(optional, s)
		default:
			missing = append(missing, s)
		}
	}
	const addScopes = "add them under OAuth & Permissions → Scopes → Bot Token Scopes (or create the app from deploy/slack-app-manifest.yaml), then reinstall the app and use the new bot token"
	if len(missing) > 0 {
		return fail(name, problem{fmt.Sprintf("%s lacks the scopes %s", who, strings.Join(append(missing, optional...), ", ")), addScopes})
	}
	if len(optional) > 0 {
		var costs []string
		for _, s := range optional {
			costs = append(costs, s+": "+optionalScopes[s])
		}
		return pass(name, "%s; it works, but lacks the scopes %s (%s): %s", who, strings.Join(optional, ", "), strings.Join(costs, "; "), addScopes)
	}
	return pass(name, "%s, with the scopes %s", who, strings.Join(botScopes, ", "))
}

// checkAppToken asks apps.connections.open for a Socket Mode URL with the app-level token,
// which is what the bot does when it starts. The URL is not connected to.
func (p *preflight) checkAppToken(ctx context.Context) checkResult {
	const name = "Slack app-level token"
	if _, _, err := p.slackClient().StartSocketModeContext(ctx); err != nil {
		return fail(name, p.slackProblem(err, appTokenProblems, "apps.connections.open"))
	}
	return pass(name, "Socket Mode connections can be opened (%s)", appTokenScope)
}
