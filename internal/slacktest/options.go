package slacktest

import (
	"log/slog"
	"time"
)

// Slack's fixed numbers the fake holds clients to.
const (
	// AckDeadline is how long Slack waits for an envelope's ack.
	AckDeadline = 3 * time.Second
	// TriggerLifetime is how long a trigger_id can open or push a view.
	TriggerLifetime = 3 * time.Second
	// MaxAckSize is the largest ack message, in bytes, Slack accepts over the WebSocket.
	MaxAckSize = 20 * 1024
	// MaxConnections is how many Socket Mode connections an app may hold at once.
	MaxConnections = 10
	// MaxEventRetries is how many times an unacknowledged events_api envelope is redelivered.
	MaxEventRetries = 3
	// ResponseURLUses is how many posts a response_url accepts.
	ResponseURLUses = 5
	// ResponseURLLifetime is how long a response_url accepts posts.
	ResponseURLLifetime = 30 * time.Minute
	// DefaultPingInterval is how often the server pings each connection unless told otherwise.
	DefaultPingInterval = 10 * time.Second
)

// config is what the options set.
type config struct {
	addr            string
	clock           Clock
	log             *slog.Logger
	teamID          string
	teamDomain      string
	appID           string
	botUserID       string
	botID           string
	botName         string
	botToken        string
	appToken        string
	pingInterval    time.Duration
	maxConns        int
	disconnectGrace time.Duration
	seed            uint64
	noRecord        bool
}

// Option configures a Server.
type Option func(*config)

// WithAddr sets the listen address (default 127.0.0.1:0).
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithClock sets the clock of Slack's deadlines (default: the wall clock).
func WithClock(clock Clock) Option { return func(c *config) { c.clock = clock } }

// WithLogger sets the logger (default: discard).
func WithLogger(log *slog.Logger) Option { return func(c *config) { c.log = log } }

// WithTeam sets the workspace's team id and domain.
func WithTeam(id, domain string) Option {
	return func(c *config) { c.teamID, c.teamDomain = id, domain }
}

// WithAppID sets the app id reported in hello and payloads.
func WithAppID(id string) Option { return func(c *config) { c.appID = id } }

// WithBot sets the bot's user id, bot id and name.
func WithBot(userID, botID, name string) Option {
	return func(c *config) { c.botUserID, c.botID, c.botName = userID, botID, name }
}

// WithTokens sets the bot token (xoxb-) the Web API accepts and the app-level token (xapp-)
// apps.connections.open accepts. By default both are random.
func WithTokens(botToken, appToken string) Option {
	return func(c *config) { c.botToken, c.appToken = botToken, appToken }
}

// WithPingInterval sets how often the server pings each connection; 0 sends no pings.
func WithPingInterval(d time.Duration) Option { return func(c *config) { c.pingInterval = d } }

// WithMaxConnections sets how many connections the app may hold (default MaxConnections).
func WithMaxConnections(n int) Option { return func(c *config) { c.maxConns = n } }

// WithDisconnectGrace sets how long a connection told to go away (refresh_requested,
// link_disabled) stays open before the server closes it (default 5 s).
func WithDisconnectGrace(d time.Duration) Option { return func(c *config) { c.disconnectGrace = d } }

// WithSeed makes the random choices (ids, tokens, envelope routing) repeatable.
func WithSeed(seed uint64) Option { return func(c *config) { c.seed = seed } }

// WithoutRecord keeps no copy of the bodies the app sends: Record and AllText return nothing.
// For load, where nothing reads them and they would grow with every call.
func WithoutRecord() Option { return func(c *config) { c.noRecord = true } }

func defaultConfig() config {
	return config{
		addr:            "127.0.0.1:0",
		clock:           realClock{},
		log:             slog.New(slog.DiscardHandler),
		teamID:          "T0RESETBOT",
		teamDomain:      "resetbot-test",
		appID:           "A0RESETBOT",
		botUserID:       "U0RESETBOT",
		botID:           "B0RESETBOT",
		botName:         "resetbot",
		pingInterval:    DefaultPingInterval,
		maxConns:        MaxConnections,
		disconnectGrace: 5 * time.Second,
	}
}
