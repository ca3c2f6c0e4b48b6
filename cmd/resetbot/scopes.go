package main

// botScopes are the OAuth scopes the bot token needs: one per Web API method family the bot
// calls, and commands for the slash command. deploy/slack-app-manifest.yaml requests exactly
// these, and a test derives the same list from the Slack calls in the bot package, so adding a
// call that needs a new scope fails the tests until both are updated. check compares them with
// the scopes Slack reports the bot token has.
var botScopes = []string{
	"channels:history", // conversations.history of a public channel: a card whose thread was never saved is found again
	"chat:write",       // chat.postMessage, chat.update, chat.postEphemeral
	"commands",         // the slash command
	"groups:history",   // conversations.history of a private channel, as channels:history
	"im:write",         // conversations.open, to deliver a secret by direct message
	"usergroups:read",  // usergroups.list, usergroups.users.list: approvers and requesters by group
	"users:read",       // users.getPresence: a password goes by direct message to a requester who is away; bots.info: the bot's app
}

// optionalScopes are the bot scopes the bot works without, and what it does without them: an
// app installed before the bot asked for them lacks them until it is reinstalled. check says so
// and passes.
var optionalScopes = map[string]string{
	"channels:history": "a card in a public channel whose process stopped before saving where it is is not found again: its request is withdrawn",
	"groups:history":   "a card in a private channel whose process stopped before saving where it is is not found again: its request is withdrawn",
}

// appTokenScope is the scope the app-level token needs to open Socket Mode connections.
const appTokenScope = "connections:write"
