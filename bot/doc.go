// Package bot is resetbot's Slack side: it holds the Socket Mode connection (slack-go), parses
// the slash command and the request modal into approval submissions, answers button clicks,
// renders Block Kit cards and thread replies, and implements approval.Notifier.
//
// The flow: every envelope is acknowledged at once and routed by table — slash commands by
// command name, block actions by action_id, view submissions by callback_id — to a handler
// that calls approval.Service and answers in Slack. The one envelope answered in its ack is a
// modal submission, whose field errors are validated under a short deadline.
//
// To add a command option, add a row to the options table in command.go. To add a button or
// a modal, add a row to the routes in routes.go, its handler in its own file, and its blocks
// in a render_*.go file with a golden test (go test ./bot -run Golden -update rewrites
// testdata/*.golden.json). Everything user-typed that lands in mrkdwn goes through esc.
package bot
