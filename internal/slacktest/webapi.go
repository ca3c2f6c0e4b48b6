package slacktest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// tokenKind is the kind of token a method takes.
type tokenKind int

const (
	botTokenKind tokenKind = iota // xoxb-
	appTokenKind                  // xapp-
)

// apiMethod is one Web API method: its tier, the token it takes, and its implementation, which
// returns the fields of the answer besides "ok".
type apiMethod struct {
	tier  Tier
	token tokenKind
	// rateKey narrows the rate-limit window (chat.postMessage counts per channel).
	rateKey func(args) string
	call    func(*Server, args) (map[string]any, error)
}

// apiMethods is the Web API: every method the fake implements. To add one, write its function
// in the file of its family (chat.go, views_api.go, ...) and add it here.
var apiMethods = map[string]apiMethod{
	"auth.test":             {tier: Tier4, call: (*Server).authTest},
	"apps.connections.open": {tier: Tier1, token: appTokenKind, call: (*Server).appsConnectionsOpen},
	"chat.postMessage":      {tier: TierPostMessage, rateKey: func(a args) string { return a.str("channel") }, call: (*Server).chatPostMessage},
	"chat.update":           {tier: Tier3, call: (*Server).chatUpdate},
	"chat.postEphemeral":    {tier: Tier4, call: (*Server).chatPostEphemeral},
	"chat.delete":           {tier: Tier3, call: (*Server).chatDelete},
	"views.open":            {tier: Tier4, call: (*Server).viewsOpen},
	"views.push":            {tier: Tier4, call: (*Server).viewsPush},
	"views.update":          {tier: Tier4, call: (*Server).viewsUpdate},
	"views.publish":         {tier: Tier4, call: (*Server).viewsPublish},
	"conversations.open":    {tier: Tier3, call: (*Server).conversationsOpen},
	"conversations.info":    {tier: Tier3, call: (*Server).conversationsInfo},
	"conversations.history": {tier: Tier3, call: (*Server).conversationsHistory},
	"users.info":            {tier: Tier4, call: (*Server).usersInfo},
	"users.getPresence":     {tier: Tier3, call: (*Server).usersGetPresence},
	"bots.info":             {tier: Tier3, call: (*Server).botsInfo},
	"usergroups.list":       {tier: Tier2, call: (*Server).usergroupsList},
	"usergroups.users.list": {tier: Tier2, call: (*Server).usergroupsUsersList},
}

// apiError is a Slack error answer: {"ok":false,"error":code}, with response_metadata.messages
// when Slack explains itself (invalid_blocks, invalid_arguments).
type apiError struct {
	code     string
	messages []string
	// fields are further top-level fields of the answer (missing_scope's needed and provided).
	fields map[string]any
}

func (e *apiError) Error() string {
	if len(e.messages) == 0 {
		return e.code
	}
	return e.code + ": " + strings.Join(e.messages, "; ")
}

// slackError returns a Slack error answer.
func slackError(code string, messages ...string) *apiError {
	return &apiError{code: code, messages: messages}
}

// maxBody is the largest request body the fake reads.
const maxBody = 4 << 20

// serveAPI answers a Web API call.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "request_timeout"})
		return
	}
	a, parseErr := parseArgs(r.Header.Get("Content-Type"), r.URL.Query(), body)
	s.mu.Lock()
	s.calls[method]++
	s.recordLocked(method, body, a.strings)
	latency := s.latency[method]
	s.notifyLocked() // a call that arrived shows in Calls, even while Latency holds it
	s.mu.Unlock()

	m, ok := apiMethods[method]
	if !ok {
		writeAPIError(w, slackError("unknown_method"))
		return
	}
	if parseErr != nil {
		writeAPIError(w, bodyError(parseErr))
		return
	}
	if err := s.checkToken(r, a, m.token); err != nil {
		writeAPIError(w, err)
		return
	}
	if err := s.delay(r.Context(), latency); err != nil {
		return
	}
	key := ""
	if m.rateKey != nil {
		key = m.rateKey(a)
	}
	s.mu.Lock()
	allowed, retry := s.rateLimitLocked(method, m.tier, key)
	failure, fail := s.takeFailureLocked(method)
	s.mu.Unlock()
	if !allowed {
		w.Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds())))
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error": "ratelimited"})
		return
	}
	if fail {
		writeAPIError(w, slackError(failure))
		return
	}
	res, err := m.call(s, a)
	s.mu.Lock()
	s.notifyLocked()
	s.mu.Unlock()
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			s.log.Error("slacktest: method failed", "method", method, "err", err)
			ae = slackError("internal_error")
		}
		writeAPIError(w, ae)
		return
	}
	if res == nil {
		res = map[string]any{}
	}
	res["ok"] = true
	writeJSON(w, http.StatusOK, res)
}

// bodyError maps a body Slack cannot read to its error.
func bodyError(err error) *apiError {
	switch {
	case errors.Is(err, errUnsupportedBody):
		return slackError("invalid_post_type")
	case errors.Is(err, errInvalidJSON):
		return slackError("invalid_json")
	default:
		return slackError("invalid_form_data")
	}
}

// checkToken checks the call's token: an Authorization: Bearer header, or (form bodies and
// query strings only) a token argument.
func (s *Server) checkToken(r *http.Request, a args, want tokenKind) *apiError {
	token := ""
	if h := r.Header.Get("Authorization"); h != "" {
		t, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return slackError("invalid_auth")
		}
		token = strings.TrimSpace(t)
	} else if a.json == nil {
		token = a.form.Get("token")
	}
	if token == "" {
		return slackError("not_authed")
	}
	kind := botTokenKind
	switch token {
	case s.cfg.botToken:
	case s.cfg.appToken:
		kind = appTokenKind
	default:
		return slackError("invalid_auth")
	}
	if kind != want {
		return slackError("not_allowed_token_type")
	}
	return nil
}

func writeAPIError(w http.ResponseWriter, e *apiError) {
	out := map[string]any{"ok": false, "error": e.code}
	for k, v := range e.fields {
		out[k] = v
	}
	if len(e.messages) > 0 {
		out["response_metadata"] = map[string]any{"messages": e.messages}
	}
	writeJSON(w, http.StatusOK, out)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, fmt.Sprintf("encoding answer: %v", err), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
