// Package bot is resetbot's Slack side: it holds the Socket Mode connection (socket.go, its
// own reader on gorilla/websocket; slack-go serves the Web API), parses
// the slash command and the request modal into approval submissions, answers button clicks,
// renders Block Kit cards and thread replies, and implements approval.Notifier.
//
// Wiring (the workflow needs the notifier and the bot needs the workflow, so the notifier
// comes first):
//
//	client := slack.New(botToken, slack.OptionAppLevelToken(appToken))
//	notifier, err := bot.NewNotifier(bot.NotifierConfig{Client: client, Logger: log})
//	svc, err := approval.New(approval.Config{Notifier: notifier, ...})
//	b, err := bot.New(bot.Config{Notifier: notifier, Workflow: svc, Policy: holder, Logger: log, Claims: store})
//	err = b.Run(ctx) // until ctx is done; b.Connected() says whether Slack is connected
//
// Run first asks Slack which workspace and app the bot token belongs to (auth.test, bots.info)
// and from then on drops every envelope from another workspace or for another app.
//
// The flow: every envelope is acknowledged at once. The goroutine that reads the connection
// reads only a frame's outer part (frame.go) and writes the ack before the payload is
// decoded, in the work pool (payload.go). Envelopes are routed by table — by envelope type,
// then block actions by action_id and view submissions by callback_id — to a handler
// (an envelope_id Slack delivers a second time is acknowledged and dropped) that calls the
// Workflow (workflow.go: the methods of approval.Service the bot uses, declared here as
// approval declares its ports) and answers in Slack: people alone through the response_url, an
// ephemeral message or a direct message; the channel through the request's card and its
// thread. The one envelope answered in its ack is a modal submission, checked with
// Workflow.Validate under a deadline well inside Slack's 3 s so that field errors show beside
// the fields. A generated password goes to the requester alone (DeliverSecret, secret.go):
// Slack shows an ephemeral message only to someone active in Slack at that moment, so the
// bot asks users.getPresence first and sends a direct message to a requester who is away.
//
// To add a command option, add a row to the options table in command.go. To add a button or
// a modal, add a row to the routes in routes.go, its handler in a handle_*.go file, and its
// blocks in a render_*.go file with a golden test (go test ./bot -run Golden -update rewrites
// testdata/*.golden.json). Everything user-typed that lands in mrkdwn goes through esc, and
// every address shown in a channel through maskRef. Slack refuses a whole message or modal
// when one text is over its limit, so every text is made to fit (fit.go): sections, fields
// and context lines are clipped by section, field and contextLine, and what people type or
// the policy lists is shortened (escClip, codeWithin), listed within a budget (joinWithin)
// or spread over several blocks (escChunks) before that; TestRenderingsFitSlack posts the
// longest renderings to the fake Slack, which holds them to Slack's limits.
package bot
