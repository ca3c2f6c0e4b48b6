// Package slacktest is an in-memory Slack that the real slack-go client (and Slack's official
// Node Socket Mode client) connects to unchanged: a workspace with one app installed, serving
// Socket Mode, the Web API methods the bot uses, response_urls, and a JSON control API for
// tools that are not Go. It is a fake in the style of tailscale's testcontrol: usable from tests
// and standalone (cmd/fakeslack), with hooks to inject faults.
//
// # Using it from a test
//
//	srv := slacktest.New(slacktest.WithClock(clock)) // 127.0.0.1, a free port
//	defer srv.Close()                                   // no goroutine left behind
//	srv.AddUser(slacktest.User{ID: "U1", Name: "alice", Email: "alice@example.com"})
//	srv.AddUserGroup("S1", "approvers", "U2")
//	srv.AddChannel("C1", "support", "U1", "U2", srv.BotUserID()) // the bot is a member
//
//	api := slack.New(srv.BotToken(), slack.OptionAPIURL(srv.APIURL()), slack.OptionAppLevelToken(srv.AppToken()))
//	client := socketmode.New(api) // run the app on it
//
//	ack, err := srv.SlashCommand(ctx, "U1", "C1", "/cognito", "reset alice@example.com")
//	card := srv.Messages("C1")[0]
//	ack, err = srv.Click(ctx, "U2", "C1", card.TS, "approve")
//	thread := srv.Thread("C1", card.TS)
//	if strings.Contains(srv.AllText(), password) { t.Fatal("the password reached Slack") }
//
// The person helpers (SlashCommand, Click, ClickInView, SubmitView, CloseView, PublishEvent,
// OpenAppHome)
// wait for a Socket Mode connection (within their context), send the envelope Slack would
// send, block until the app acknowledges it and return the Ack with its payload. They apply the
// ack as Slack does: a slash command's reply is shown to the user (or the channel), a view
// submission's response_action closes, updates, pushes or shows errors on the view.
//
// The queries (Messages, Thread, Message, Ephemerals, DMs, Views, View, Home) return what a person
// would see. An app acknowledges first and works after, so WaitMessage, WaitEphemeral, WaitView
// and WaitUntil block until the workspace shows what the test expects, re-checking after every
// change instead of polling. Record and AllText return every body the app sent (Web API calls,
// response_url posts, acks), raw and decoded, so tests can prove a secret never reached Slack.
// Connections, ConnectionsOpened, WaitConnections, WaitConnectionsOpened, Envelopes and Calls
// show the transport: which connection took what, and how each envelope ended.
//
// # What it holds apps to
//
// Socket Mode: apps.connections.open takes the app-level token (Bearer xapp-…) and hands out a
// single-use ws:// URL; the connection starts with hello (num_connections, debug_info,
// connection_info.app_id); envelopes are slash_commands, interactive (block_actions,
// view_submission, view_closed) and events_api, shaped as Slack sends them (a slash command's
// text with &, < and > escaped, as Slack's clients send what people type); acks are matched by
// envelope_id within AckDeadline (3 s) and refused above MaxAckSize (20 KB); an unacknowledged
// events_api envelope is redelivered with retry_attempt and retry_reason "timeout", and
// Redeliver sends any envelope again with the same envelope_id, as Slack may while it rotates
// connections (delivery is at least once). The server pings every connection
// (WithPingInterval, SetPingInterval; 0 stops) and answers the client's pings; Disconnect
// sends disconnect messages (warning, refresh_requested, link_disabled),
// DropConnections closes the TCP streams abruptly; an app holds at most MaxConnections (10)
// connections, a further one is told too_many_websockets; each envelope goes to one connection,
// chosen by SetRoute (RouteRandom, RouteOldest, RouteNewest, RouteTo).
//
// Web API: auth.test, apps.connections.open, chat.postMessage, chat.update, chat.postEphemeral,
// chat.delete, views.open, views.push, views.update, views.publish (each user's Home tab;
// OpenAppHome sends app_home_opened with it), conversations.open, conversations.info,
// conversations.history (newest first, oldest/latest/inclusive, limit and cursor, metadata only
// with include_all_metadata), users.info, users.getPresence, bots.info, usergroups.list,
// usergroups.users.list, and response_urls (5 posts within 30 minutes). A message keeps the
// metadata chat.postMessage or chat.update gave it (an event_type such as task_created and an
// event_payload object, refused otherwise as Slack refuses it); Message.Metadata shows it. The
// bot token has every scope until RevokeScopes takes some away, after which
// conversations.history answers missing_scope as Slack does. Tokens are checked in the Authorization header and in the form's
// token field. What is stored is validated as Slack validates it (blocks, text or blocks
// present, lengths of texts, confirm dialogs, placeholders and options, the channel exists and
// the bot is a member, a trigger_id opens one view within 3 s) and refused with Slack's error
// strings; a person cannot submit a text input outside its min_length and max_length. Everyone
// is active until SetPresence makes them away; as in Slack, chat.postEphemeral to a user who is
// away answers ok but the message is never shown (Ephemerals leaves it out; Record keeps the
// call). Hooks: FailNext, Latency, SetRateLimits / SetRateLimit (HTTP 429 with Retry-After, per
// method tier), RateLimitNext (one 429); RateLimited and EarlyCalls tell how many calls got a
// 429 and how many came before their Retry-After ran out.
//
// Time: Slack's deadlines (ack, trigger_id, redelivery, rate-limit windows, response_url
// lifetime) run on the Clock given WithClock; a *FakeClock lets a test step over them without
// sleeping. Pings and Latency run on real time.
//
// # The control API
//
// Every server serves, under /control/ on its own address, JSON endpoints for the same set-up,
// actions and queries. Calls that deliver an envelope wait for its ack (at most 10 s, or
// ?timeout_ms=N) and answer the Ack as {"envelope_id","type","conn","payload","attempt",
// "elapsed_ms"}. Errors answer {"error": "...", "ack": {...}} with 404 (unknown user, channel,
// message, element, view), 400 (not possible in Slack), 422 (an ack Slack would reject),
// 504 (no ack in time), 502 (connection lost) or 503 (no connection, server closed).
//
//	GET  /control/info                                   urls, team, app and bot ids, tokens
//	POST /control/users        {"id","name","real_name","email","tz","is_admin","is_bot","deleted"}
//	POST /control/usergroups   {"id","handle","users":[…]}
//	POST /control/channels     {"id","name","private","members":[…]}
//	POST /control/presence     {"user","presence":"active|away"}
//	POST /control/slash        {"user","channel","command","text"}                → ack
//	POST /control/click        {"user","channel","message_ts","action_id","value"} → ack
//	                           ({"user","view_id","action_id","value"} in a view)
//	POST /control/submit       {"user","view_id","values":{"block_id":"value"}}   → ack
//	POST /control/close-view   {"user","view_id"}                                 → ack
//	POST /control/event        {"event":{"type":…}}                               → ack
//	POST /control/redeliver    {"envelope_id"}                                    → ack
//	GET  /control/messages?channel=C   GET /control/thread?channel=C&ts=T
//	GET  /control/ephemerals?user=U    GET /control/dms?user=U   GET /control/views?user=U
//	GET  /control/connections          GET /control/envelopes    GET /control/record
//	POST /control/fail         {"method","error"}       POST /control/latency {"method","ms"}
//	POST /control/ratelimits   {"enabled"}              POST /control/ping    {"interval_ms"}
//	POST /control/disconnect   {"reason","conn"}        POST /control/drop
//	POST /control/route        {"mode":"random|oldest|newest|conn","conn"}
//	POST /control/scopes       {"revoke":[scope…],"grant":[scope…]}
//
// Run it standalone with
//
//	go run ./internal/slacktest/cmd/fakeslack -addr 127.0.0.1:8089
//
// which prints one JSON line with the URLs, ids and tokens, then serves until interrupted.
//
// # Extending it
//
// A new Web API method is a function func(*Server, args) (map[string]any, error) in the file of
// its family (chat.go, views_api.go, directory.go) plus a line in apiMethods (webapi.go) with
// its tier and token kind. New block or element types go in blockRules and elementRules
// (blocks.go); clickable elements in actionRules (elements.go); input elements a person can
// fill in stateRules (viewstate.go); response_actions in viewResponses (person.go); control
// endpoints in controlRoutes (control.go). Keep every behaviour to what Slack documents or does:
// the fake is held to the official client by the conformance tests.
package slacktest
