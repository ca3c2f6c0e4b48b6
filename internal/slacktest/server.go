package slacktest

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Errors the helpers return; match them with errors.Is.
var (
	// ErrAckTimeout: no ack arrived within AckDeadline.
	ErrAckTimeout = errors.New("no ack within the deadline")
	// ErrAckTooLarge: the ack was larger than MaxAckSize and Slack dropped it.
	ErrAckTooLarge = errors.New("ack larger than Slack accepts")
	// ErrConnectionLost: the connection carrying the envelope closed before its ack.
	ErrConnectionLost = errors.New("connection closed before the ack")
	// ErrNoConnection: the chosen route names a connection that is not open.
	ErrNoConnection = errors.New("no such Socket Mode connection")
	// ErrServerClosed: the server was closed.
	ErrServerClosed = errors.New("server closed")
	// ErrNotFound: the user, channel, message, element or view the helper was given does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalidInput: the helper's input is not something a person could do in Slack.
	ErrInvalidInput = errors.New("not possible in Slack")
	// ErrInvalidResponse: the app's ack payload is one Slack would reject.
	ErrInvalidResponse = errors.New("response Slack would reject")
)

// Server is an in-memory Slack workspace with one app installed: the Web API under APIURL, the
// Socket Mode WebSocket endpoint apps.connections.open hands out, response_urls, and the JSON
// control API under /control/. Create it with New or Start and stop it with Close.
type Server struct {
	cfg config
	log *slog.Logger
	// verificationToken is the app's (deprecated) verification token that payloads carry.
	verificationToken string
	clock             Clock
	ids               *ids

	ln        net.Listener
	http      *http.Server
	baseURL   string
	handlers  sync.WaitGroup // in-flight HTTP handlers, WebSocket read loops included
	bg        sync.WaitGroup // the server's own goroutines
	closed    chan struct{}
	closeOnce sync.Once

	pingCfg chan time.Duration

	mu sync.Mutex
	// workspace
	users    map[string]User
	groups   map[string]*userGroup
	channels map[string]*channel
	ims      map[string]string // user → IM channel id
	away     map[string]bool   // users whose presence is "away"; everyone else is "active"
	// content
	messages   map[string][]*message // channel → messages in order of ts
	ephemerals []*Ephemeral
	views      map[string]*view
	stacks     map[string][]string // user → open view ids, root first
	homes      map[string]string   // user → the id of their Home tab's view, once published
	triggers   map[string]*trigger
	responses  map[string]*responseURL
	// Socket Mode
	tickets     map[string]bool // ticket → used
	conns       map[string]*wsConn
	connSeq     int
	opened      int
	connChanged chan struct{}
	changed     chan struct{} // closed and replaced on every change of the workspace
	route       Route
	pending     map[string]*pending
	envelopes   []*EnvelopeRecord
	// Web API
	record []recordedBody
	// received counts the bodies received, recorded or not (Received).
	received int
	calls    map[string]int
	failing  map[string][]string
	// revoked are the bot scopes taken from the bot token (RevokeScopes).
	revoked map[string]bool
	latency map[string]time.Duration
	limits  *rateLimiter
}

// New starts a Server on 127.0.0.1 at a free port (or WithAddr's address). It panics if it
// cannot listen, as httptest.NewServer does; use Start to get the error instead.
func New(opts ...Option) *Server {
	s, err := Start(opts...)
	if err != nil {
		panic(fmt.Sprintf("slacktest: %v", err))
	}
	return s
}

// Start starts a Server and returns it, or the error that kept it from listening.
func Start(opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	g := newIDs(cfg.seed)
	if cfg.botToken == "" {
		cfg.botToken = g.botToken()
	}
	if cfg.appToken == "" {
		cfg.appToken = g.appToken(cfg.appID)
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	s := &Server{
		cfg:               cfg,
		log:               cfg.log,
		clock:             cfg.clock,
		ids:               g,
		verificationToken: g.secret(),
		ln:                ln,
		baseURL:           "http://" + ln.Addr().String(),
		closed:            make(chan struct{}),
		pingCfg:           make(chan time.Duration),
		users:             map[string]User{},
		groups:            map[string]*userGroup{},
		channels:          map[string]*channel{},
		ims:               map[string]string{},
		away:              map[string]bool{},
		messages:          map[string][]*message{},
		views:             map[string]*view{},
		stacks:            map[string][]string{},
		homes:             map[string]string{},
		triggers:          map[string]*trigger{},
		responses:         map[string]*responseURL{},
		tickets:           map[string]bool{},
		conns:             map[string]*wsConn{},
		connChanged:       make(chan struct{}),
		changed:           make(chan struct{}),
		route:             RouteRandom,
		pending:           map[string]*pending{},
		calls:             map[string]int{},
		failing:           map[string][]string{},
		revoked:           map[string]bool{},
		latency:           map[string]time.Duration{},
		limits:            newRateLimiter(),
	}
	s.users[cfg.botUserID] = s.botUser()
	s.http = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	s.bg.Go(func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("slacktest: serve", "err", err)
		}
	})
	s.bg.Go(s.pinger)
	s.log.Info("slacktest: listening", "url", s.baseURL)
	return s, nil
}

// routes is the server's HTTP routing table.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", s.serveAPI)
	mux.HandleFunc("GET /link/", s.serveLink)
	mux.HandleFunc("POST /response/{id}", s.serveResponseURL)
	s.registerControl(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.enter() {
			http.Error(w, "server closed", http.StatusServiceUnavailable)
			return
		}
		defer s.handlers.Done()
		mux.ServeHTTP(w, r)
	})
}

// enter counts a handler in, so that Close waits for it, and reports false once Close has
// begun. Counting under s.mu, which Close takes to mark the server closed, orders every count
// before Close's wait: a request that reached a handler while Close ran (http.Server.Close does
// not wait for handlers already dispatched) is answered 503 without being counted.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done() {
		return false
	}
	s.handlers.Add(1)
	return true
}

// Close stops the server: it closes every connection, fails every helper still waiting, and
// returns once no goroutine of the server is left.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		close(s.closed)
		s.mu.Unlock()
		_ = s.http.Close()
		s.mu.Lock()
		conns := s.connsLocked()
		for _, p := range s.pending {
			p.timer.Stop()
		}
		s.mu.Unlock()
		for _, c := range conns {
			c.abort()
		}
		s.handlers.Wait()
		s.bg.Wait()
	})
}

// URL is the server's base URL (http://127.0.0.1:port).
func (s *Server) URL() string { return s.baseURL }

// APIURL is the Web API base URL, ending in "/api/" as slack.OptionAPIURL expects.
func (s *Server) APIURL() string { return s.baseURL + "/api/" }

// ControlURL is the base URL of the JSON control API.
func (s *Server) ControlURL() string { return s.baseURL + "/control/" }

// TeamID is the workspace's team id.
func (s *Server) TeamID() string { return s.cfg.teamID }

// TeamDomain is the workspace's domain.
func (s *Server) TeamDomain() string { return s.cfg.teamDomain }

// AppID is the installed app's id.
func (s *Server) AppID() string { return s.cfg.appID }

// BotUserID is the bot's user id (U…).
func (s *Server) BotUserID() string { return s.cfg.botUserID }

// BotID is the bot's bot id (B…).
func (s *Server) BotID() string { return s.cfg.botID }

// BotToken is the xoxb- token the Web API accepts.
func (s *Server) BotToken() string { return s.cfg.botToken }

// AppToken is the xapp- token apps.connections.open accepts.
func (s *Server) AppToken() string { return s.cfg.appToken }

// Clock is the clock of the server's deadlines.
func (s *Server) Clock() Clock { return s.clock }

// done reports whether the server is closed.
func (s *Server) done() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}
