// Package slackhttp is the HTTP transport of the bot's Slack Web API calls. Slack answers a
// call over its rate limit with HTTP 429 and Retry-After; Transport waits that long (never
// less) and sends the call again, retries transient failures (5xx, connection errors) with
// backoff, and keeps the posts of one channel in the order they were made, so that under load
// a card is posted late rather than lost. Every call has a deadline: its context's, or
// Config.CallTimeout when the context has none, and each attempt has Config.AttemptTimeout.
// A refusal Slack means for good (not_in_channel, channel_not_found, ...) is an HTTP 200
// answer with ok=false and passes through untouched.
//
// To wait out a limit for more calls than one, add the method to orderedMethods (calls kept in
// order per channel) or let it share its method's window (the default).
package slackhttp
