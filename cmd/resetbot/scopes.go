package main

// botScopes are the OAuth scopes the bot token needs: one per Web API method family the bot
// calls, and commands for the slash command. deploy/slack-app-manifest.yaml requests exactly
// these, and a test derives the same list from the Slack calls in the bot package, so adding a
// call that needs a new scope fails the tests until both are updated. check compares them with
// the scopes Slack reports the bot token has.
var botScopes = []string{
	"chat:write",      // chat.postMessage, chat.update, chat.postEphemeral
	"commands",        // the slash command
	"im:write",        // conversations.open, to deliver a secret by direct message
	"usergroups:read", // usergroups.list, usergroups.users.list: approvers and requesters by group
	"users:read",      // users.getPresence: a password goes by direct message to a requester who is away; bots.info: the bot's app
}

// appTokenScope is the scope the app-level token needs to open Socket Mode connections.
const appTokenScope = "connections:write"
