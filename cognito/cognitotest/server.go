package cognitotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Server is a fake Cognito user-pool service. It is safe for concurrent use.
type Server struct {
	region    string
	now       func() time.Time
	log       *slog.Logger
	onMessage func(Message)
	http      *httptest.Server

	mu        sync.Mutex
	pools     map[string]*pool   // by pool id
	clients   map[string]*client // by client id
	sessions  map[string]*session
	calls     map[string]int
	faults    []*Fault
	latency   time.Duration
	messages  []Message
	refreshes map[string]*refreshToken
}

// Option configures a Server.
type Option func(*config)

type config struct {
	region    string
	now       func() time.Time
	log       *slog.Logger
	listener  net.Listener
	onMessage func(Message)
}

// WithRegion sets the region of the pools the server creates (the prefix of their ids).
// The default is us-east-1.
func WithRegion(region string) Option { return func(c *config) { c.region = region } }

// WithClock sets the clock the server reads for dates, code and session expiry and temporary
// password validity. The default is time.Now.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithLogger sets the logger the server writes one debug line per call to. Request bodies
// (which hold passwords) are never logged. The default discards.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// WithListener makes the server serve on l instead of a fresh 127.0.0.1 port.
func WithListener(l net.Listener) Option { return func(c *config) { c.listener = l } }

// WithOnMessage calls f, outside the server's lock, for every message Cognito would have sent
// (reset codes, invitations with a temporary password).
func WithOnMessage(f func(Message)) Option { return func(c *config) { c.onMessage = f } }

// New starts a fake Cognito on a 127.0.0.1 port (or the listener given with WithListener).
// Close it when done.
func New(opts ...Option) *Server {
	cfg := config{region: "us-east-1", now: time.Now}
	for _, o := range opts {
		o(&cfg)
	}
	s := newServer(cfg)
	s.http = httptest.NewUnstartedServer(s)
	if cfg.listener != nil {
		_ = s.http.Listener.Close()
		s.http.Listener = cfg.listener
	}
	s.http.Start()
	return s
}

// newServer makes a server's state without serving it.
func newServer(cfg config) *Server {
	if cfg.log == nil {
		cfg.log = slog.New(slog.DiscardHandler)
	}
	return &Server{
		region:    cfg.region,
		now:       cfg.now,
		log:       cfg.log,
		onMessage: cfg.onMessage,
		pools:     map[string]*pool{},
		clients:   map[string]*client{},
		sessions:  map[string]*session{},
		calls:     map[string]int{},
		refreshes: map[string]*refreshToken{},
	}
}

// URL is the endpoint to point an AWS client at, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return s.http.URL }

// Close stops the server and waits for calls in flight.
func (s *Server) Close() { s.http.Close() }

// Calls returns how many calls of the operation (e.g. "AdminResetUserPassword") the server has
// received, including those answered with an injected fault and retries by the client.
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// auth is how an operation authenticates its caller.
type auth int

const (
	authIAM    auth = iota // SigV4-signed with IAM credentials (the admin and owner operations)
	authPublic             // unsigned: the end user's operations, identified by the app client id
)

// call is one decoded request.
type call struct {
	body   []byte
	region string // the region of the request's signature, "" when unsigned
}

type operation struct {
	auth   auth
	handle func(s *Server, c *call) (any, *apiError)
}

// ServeHTTP answers one AWS JSON 1.1 call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := newUUID()
	op, out, apiErr := s.serve(r)
	if apiErr != nil && apiErr.hangup {
		s.hangUp(w, op)
		return
	}
	if apiErr == nil && out == nil {
		return // the caller went away while the call was held
	}
	status := http.StatusOK
	if apiErr != nil {
		status = apiErr.Status
		writeError(w, requestID, apiErr)
	} else {
		writeJSON(w, requestID, status, out)
	}
	code := ""
	if apiErr != nil {
		code = apiErr.Code
	}
	s.log.Debug("cognito call", "op", op, "status", status, "error_code", code, "request_id", requestID)
}

func (s *Server) serve(r *http.Request) (string, any, *apiError) {
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		return "", nil, errf("UnknownOperationException", "Only POST / is served.")
	}
	target := r.Header.Get("X-Amz-Target")
	name, found := strings.CutPrefix(target, targetPrefix)
	if !found {
		return "", nil, errf("UnknownOperationException", "Unknown target %q.", target)
	}
	op, ok := operations[name]
	if !ok {
		return name, nil, errf("UnknownOperationException", "Unknown operation %s.", name)
	}
	// Read the body first: only then does the request's context end when the client hangs up.
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil || len(body) > maxBodyBytes {
		return name, nil, errf("SerializationException", "The request body could not be read.")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	fault, delay := s.arrive(name)
	if delay > 0 || fault != nil {
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-r.Context().Done():
				t.Stop()
				return name, nil, nil
			case <-t.C:
			}
		}
		if fault != nil && !fault.hangup {
			return name, nil, fault
		}
	}
	c := &call{}
	if op.auth == authIAM {
		region, ok := credentialScope(r.Header.Get("Authorization"))
		if !ok {
			return name, nil, errf("MissingAuthenticationTokenException", "Missing Authentication Token")
		}
		c.region = region
	}
	c.body = body
	out, apiErr := s.dispatch(op, c)
	if fault != nil && fault.hangup {
		return name, nil, fault // carried out; the answer is never sent
	}
	return name, out, apiErr
}

// hangUp closes the connection of a call without answering it.
func (s *Server) hangUp(w http.ResponseWriter, op string) {
	s.log.Debug("cognito call carried out, then the connection closed without an answer", "op", op)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // closes the connection on HTTP/2 too
	}
	_ = conn.Close()
}

// dispatch runs the operation under the server's lock and delivers its messages after.
func (s *Server) dispatch(op operation, c *call) (any, *apiError) {
	s.mu.Lock()
	sent := len(s.messages)
	out, apiErr := op.handle(s, c)
	fresh := append([]Message(nil), s.messages[sent:]...)
	s.mu.Unlock()
	if s.onMessage != nil {
		for _, m := range fresh {
			s.onMessage(m)
		}
	}
	return out, apiErr
}

// decode is the shape of every operation: decode the input, run, return the output.
func decode[In any](f func(s *Server, c *call, in *In) (any, *apiError)) func(*Server, *call) (any, *apiError) {
	return func(s *Server, c *call) (any, *apiError) {
		in := new(In)
		dec := json.NewDecoder(bytes.NewReader(c.body))
		if err := dec.Decode(in); err != nil {
			var syntax *json.SyntaxError
			if errors.As(err, &syntax) {
				return nil, errf("SerializationException", "Malformed JSON at offset %d.", syntax.Offset)
			}
			return nil, errf("SerializationException", "The request body does not match the operation's input.")
		}
		return f(s, c, in)
	}
}

// operations routes each X-Amz-Target to its handler. To serve another operation, write its
// handler in the ops_*.go file of its kind and add it here.
var operations = map[string]operation{
	"CreateUserPool":            {authIAM, decode(createUserPool)},
	"DescribeUserPool":          {authIAM, decode(describeUserPool)},
	"CreateUserPoolClient":      {authIAM, decode(createUserPoolClient)},
	"AdminCreateUser":           {authIAM, decode(adminCreateUser)},
	"AdminGetUser":              {authIAM, decode(adminGetUser)},
	"ListUsers":                 {authIAM, decode(listUsers)},
	"AdminUpdateUserAttributes": {authIAM, decode(adminUpdateUserAttributes)},
	"AdminDisableUser":          {authIAM, decode(adminDisableUser)},
	"AdminEnableUser":           {authIAM, decode(adminEnableUser)},
	"CreateGroup":               {authIAM, decode(createGroup)},
	"AdminAddUserToGroup":       {authIAM, decode(adminAddUserToGroup)},
	"AdminListGroupsForUser":    {authIAM, decode(adminListGroupsForUser)},
	"AdminResetUserPassword":    {authIAM, decode(adminResetUserPassword)},
	"AdminSetUserPassword":      {authIAM, decode(adminSetUserPassword)},
	"AdminUserGlobalSignOut":    {authIAM, decode(adminUserGlobalSignOut)},
	"InitiateAuth":              {authPublic, decode(initiateAuth)},
	"RespondToAuthChallenge":    {authPublic, decode(respondToAuthChallenge)},
	"ForgotPassword":            {authPublic, decode(forgotPassword)},
	"ConfirmForgotPassword":     {authPublic, decode(confirmForgotPassword)},
}
