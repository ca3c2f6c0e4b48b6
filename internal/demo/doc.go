// Package demo is what `resetbot demo` runs beside the bot: a demo Slack workspace and Cognito
// pools (people with roles, user groups, a channel, users in every state the bot handles) on
// the fakes the tests use (internal/slacktest, cognito/cognitotest), and a web page that shows
// the fake Slack's channel to one person at a time.
//
// The bot itself is not here: cmd/resetbot wires the real bot to the fakes this package starts,
// so that every request goes through the same code as in production. The page never draws a
// second copy of the bot's messages: it renders the blocks the fake Slack recorded, and acts
// through the fake's person helpers (a slash command, a click, a modal submission) exactly as
// Slack would deliver them.
//
// # Extending it
//
// A new demo person is a row in people (people.go); a new Cognito user state a row in
// demoUsers (seed.go); a new page endpoint a line in Page.routes (page.go); a new Block Kit
// block type a function in the script's blockRenderers (web/app.js). A policy file given with
// -policy is mapped by FromPolicy (workspace.go): its pools become demo pools with the same ids,
// its user groups are filled with the demo people by their names.
package demo
