package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// defaultControlTimeout bounds a control call that waits for an ack, unless it says otherwise.
const defaultControlTimeout = 10 * time.Second

// controlRoute is one endpoint of the JSON control API: it decodes its request into the body
// (if any) and returns what to answer.
type controlRoute struct {
	pattern string
	handle  func(s *Server, ctx context.Context, r *http.Request, body []byte) (any, error)
}

// controlRoutes is the control API; the package documentation describes each endpoint.
var controlRoutes = []controlRoute{
	{"GET /control/info", func(s *Server, _ context.Context, _ *http.Request, _ []byte) (any, error) {
		return s.info(), nil
	}},
	{"POST /control/users", decoded(func(s *Server, _ context.Context, u User) (any, error) {
		if u.ID == "" {
			return nil, fmt.Errorf("user needs an id: %w", ErrInvalidInput)
		}
		s.AddUser(u)
		return okBody, nil
	})},
	{"POST /control/usergroups", decoded(func(s *Server, _ context.Context, g struct {
		ID     string   `json:"id"`
		Handle string   `json:"handle"`
		Users  []string `json:"users"`
	}) (any, error) {
		if g.ID == "" || g.Handle == "" {
			return nil, fmt.Errorf("user group needs an id and a handle: %w", ErrInvalidInput)
		}
		s.AddUserGroup(g.ID, g.Handle, g.Users...)
		return okBody, nil
	})},
	{"POST /control/channels", decoded(func(s *Server, _ context.Context, c struct {
		ID      string   `json:"id"`
		Name    string   `json:"name"`
		Private bool     `json:"private"`
		Members []string `json:"members"`
	}) (any, error) {
		if c.ID == "" || c.Name == "" {
			return nil, fmt.Errorf("channel needs an id and a name: %w", ErrInvalidInput)
		}
		if c.Private {
			s.AddPrivateChannel(c.ID, c.Name, c.Members...)
		} else {
			s.AddChannel(c.ID, c.Name, c.Members...)
		}
		return okBody, nil
	})},
	{"POST /control/presence", decoded(func(s *Server, _ context.Context, a struct {
		User     string `json:"user"`
		Presence string `json:"presence"`
	}) (any, error) {
		return okBody, s.SetPresence(a.User, a.Presence)
	})},
	{"POST /control/slash", decoded(func(s *Server, ctx context.Context, a struct {
		User    string `json:"user"`
		Channel string `json:"channel"`
		Command string `json:"command"`
		Text    string `json:"text"`
	}) (any, error) {
		return ackAnswer(s.SlashCommand(ctx, a.User, a.Channel, a.Command, a.Text))
	})},
	{"POST /control/click", decoded(func(s *Server, ctx context.Context, a struct {
		User      string `json:"user"`
		Channel   string `json:"channel"`
		MessageTS string `json:"message_ts"`
		ViewID    string `json:"view_id"`
		ActionID  string `json:"action_id"`
		Value     string `json:"value"`
	}) (any, error) {
		if a.ViewID != "" {
			return ackAnswer(s.ClickInView(ctx, a.User, a.ViewID, a.ActionID, a.Value))
		}
		return ackAnswer(s.Click(ctx, a.User, a.Channel, a.MessageTS, a.ActionID, a.Value))
	})},
	{"POST /control/submit", decoded(func(s *Server, ctx context.Context, a struct {
		User   string            `json:"user"`
		ViewID string            `json:"view_id"`
		Values map[string]string `json:"values"`
	}) (any, error) {
		return ackAnswer(s.SubmitView(ctx, a.User, a.ViewID, a.Values))
	})},
	{"POST /control/close-view", decoded(func(s *Server, ctx context.Context, a struct {
		User   string `json:"user"`
		ViewID string `json:"view_id"`
	}) (any, error) {
		return ackAnswer(s.CloseView(ctx, a.User, a.ViewID))
	})},
	{"POST /control/event", decoded(func(s *Server, ctx context.Context, a struct {
		Event map[string]any `json:"event"`
	}) (any, error) {
		return ackAnswer(s.PublishEvent(ctx, a.Event))
	})},
	{"POST /control/redeliver", decoded(func(s *Server, ctx context.Context, a struct {
		EnvelopeID string `json:"envelope_id"`
	}) (any, error) {
		return ackAnswer(s.Redeliver(ctx, a.EnvelopeID))
	})},
	{"GET /control/messages", func(s *Server, _ context.Context, r *http.Request, _ []byte) (any, error) {
		return nonNil(s.Messages(r.URL.Query().Get("channel"))), nil
	}},
	{"GET /control/thread", func(s *Server, _ context.Context, r *http.Request, _ []byte) (any, error) {
		return nonNil(s.Thread(r.URL.Query().Get("channel"), r.URL.Query().Get("ts"))), nil
	}},
	{"GET /control/ephemerals", func(s *Server, _ context.Context, r *http.Request, _ []byte) (any, error) {
		return nonNil(s.Ephemerals(r.URL.Query().Get("user"))), nil
	}},
	{"GET /control/dms", func(s *Server, _ context.Context, r *http.Request, _ []byte) (any, error) {
		return nonNil(s.DMs(r.URL.Query().Get("user"))), nil
	}},
	{"GET /control/views", func(s *Server, _ context.Context, r *http.Request, _ []byte) (any, error) {
		return nonNil(s.Views(r.URL.Query().Get("user"))), nil
	}},
	{"GET /control/connections", func(s *Server, _ context.Context, _ *http.Request, _ []byte) (any, error) {
		return s.Connections(), nil
	}},
	{"GET /control/envelopes", func(s *Server, _ context.Context, _ *http.Request, _ []byte) (any, error) {
		return s.Envelopes(), nil
	}},
	{"GET /control/record", func(s *Server, _ context.Context, _ *http.Request, _ []byte) (any, error) {
		return s.Record(), nil
	}},
	{"POST /control/fail", decoded(func(s *Server, _ context.Context, a struct {
		Method string `json:"method"`
		Error  string `json:"error"`
	}) (any, error) {
		s.FailNext(a.Method, a.Error)
		return okBody, nil
	})},
	{"POST /control/latency", decoded(func(s *Server, _ context.Context, a struct {
		Method string `json:"method"`
		MS     int    `json:"ms"`
	}) (any, error) {
		s.Latency(a.Method, time.Duration(a.MS)*time.Millisecond)
		return okBody, nil
	})},
	{"POST /control/scopes", decoded(func(s *Server, _ context.Context, a struct {
		Revoke []string `json:"revoke"`
		Grant  []string `json:"grant"`
	}) (any, error) {
		s.RevokeScopes(a.Revoke...)
		s.GrantScopes(a.Grant...)
		return okBody, nil
	})},
	{"POST /control/ratelimits", decoded(func(s *Server, _ context.Context, a struct {
		Enabled bool `json:"enabled"`
	}) (any, error) {
		s.SetRateLimits(a.Enabled)
		return okBody, nil
	})},
	{"POST /control/ping", decoded(func(s *Server, _ context.Context, a struct {
		IntervalMS int `json:"interval_ms"`
	}) (any, error) {
		s.SetPingInterval(time.Duration(a.IntervalMS) * time.Millisecond)
		return okBody, nil
	})},
	{"POST /control/disconnect", decoded(func(s *Server, _ context.Context, a struct {
		Reason string `json:"reason"`
		Conn   string `json:"conn"`
	}) (any, error) {
		if a.Conn != "" {
			return okBody, s.DisconnectConn(a.Conn, a.Reason)
		}
		s.Disconnect(a.Reason)
		return okBody, nil
	})},
	{"POST /control/drop", func(s *Server, _ context.Context, _ *http.Request, _ []byte) (any, error) {
		s.DropConnections()
		return okBody, nil
	}},
	{"POST /control/route", decoded(func(s *Server, _ context.Context, a struct {
		Mode string `json:"mode"`
		Conn string `json:"conn"`
	}) (any, error) {
		routes := map[string]Route{"random": RouteRandom, "oldest": RouteOldest, "newest": RouteNewest}
		r, ok := routes[a.Mode]
		if a.Mode == "conn" {
			r, ok = RouteTo(a.Conn), a.Conn != ""
		}
		if !ok {
			return nil, fmt.Errorf("route mode %q: %w", a.Mode, ErrInvalidInput)
		}
		s.SetRoute(r)
		return okBody, nil
	})},
}

var okBody = map[string]any{"ok": true}

// decoded adapts a handler that takes a JSON request body.
func decoded[T any](h func(s *Server, ctx context.Context, req T) (any, error)) func(*Server, context.Context, *http.Request, []byte) (any, error) {
	return func(s *Server, ctx context.Context, _ *http.Request, body []byte) (any, error) {
		var req T
		if err := json.Unmarshal(body, &req); err != nil {
			return nil, fmt.Errorf("request body: %w: %w", err, ErrInvalidInput)
		}
		return h(s, ctx, req)
	}
}

func nonNil[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}

// controlAck is an Ack in the control API.
type controlAck struct {
	EnvelopeID string          `json:"envelope_id,omitempty"`
	Type       string          `json:"type,omitempty"`
	Conn       string          `json:"conn,omitempty"`
	Payload    json.RawMessage `json:"payload,omitempty"`
	Attempt    int             `json:"attempt"`
	ElapsedMS  int64           `json:"elapsed_ms"`
}

// ackError is an error that still carries the ack (an ack Slack would reject).
type ackError struct {
	ack controlAck
	err error
}

func (e *ackError) Error() string { return e.err.Error() }
func (e *ackError) Unwrap() error { return e.err }

func ackAnswer(a Ack, err error) (any, error) {
	ca := controlAck{EnvelopeID: a.EnvelopeID, Type: a.Type, Conn: a.Conn, Payload: a.Payload, Attempt: a.Attempt,
		ElapsedMS: a.Elapsed.Milliseconds()}
	if err != nil {
		return nil, &ackError{ack: ca, err: err}
	}
	return ca, nil
}

// controlStatus maps an error to the control API's HTTP status.
var controlStatus = []struct {
	err    error
	status int
}{
	{ErrNotFound, http.StatusNotFound},
	{ErrInvalidInput, http.StatusBadRequest},
	{ErrInvalidResponse, http.StatusUnprocessableEntity},
	{ErrAckTimeout, http.StatusGatewayTimeout},
	{ErrAckTooLarge, http.StatusUnprocessableEntity},
	{ErrConnectionLost, http.StatusBadGateway},
	{ErrNoConnection, http.StatusServiceUnavailable},
	{context.DeadlineExceeded, http.StatusGatewayTimeout},
	{ErrServerClosed, http.StatusServiceUnavailable},
}

// registerControl registers the control API on the mux.
func (s *Server) registerControl(mux *http.ServeMux) {
	for _, rt := range controlRoutes {
		mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
				return
			}
			timeout := defaultControlTimeout
			if ms := r.URL.Query().Get("timeout_ms"); ms != "" {
				var n int
				if _, err := fmt.Sscanf(ms, "%d", &n); err == nil && n > 0 {
					timeout = time.Duration(n) * time.Millisecond
				}
			}
			ctx, cancel := context.WithTimeout(r.Context(), timeout)
			defer cancel()
			res, err := rt.handle(s, ctx, r, body)
			if err != nil {
				status := http.StatusInternalServerError
				for _, cs := range controlStatus {
					if errors.Is(err, cs.err) {
						status = cs.status
						break
					}
				}
				out := map[string]any{"error": err.Error()}
				if ae, ok := errors.AsType[*ackError](err); ok && ae.ack.EnvelopeID != "" {
					out["ack"] = ae.ack
				}
				writeJSON(w, status, out)
				return
			}
			writeJSON(w, http.StatusOK, res)
		})
	}
}

// controlInfo is what GET /control/info answers: everything a tool needs to point an app at
// the fake.
type controlInfo struct {
	URL        string `json:"url"`
	APIURL     string `json:"api_url"`
	ControlURL string `json:"control_url"`
	TeamID     string `json:"team_id"`
	TeamDomain string `json:"team_domain"`
	AppID      string `json:"app_id"`
	BotUserID  string `json:"bot_user_id"`
	BotID      string `json:"bot_id"`
	BotToken   string `json:"bot_token"`
	AppToken   string `json:"app_token"`
}

func (s *Server) info() controlInfo {
	return controlInfo{URL: s.URL(), APIURL: s.APIURL(), ControlURL: s.ControlURL(), TeamID: s.cfg.teamID,
		TeamDomain: s.cfg.teamDomain, AppID: s.cfg.appID, BotUserID: s.cfg.botUserID, BotID: s.cfg.botID,
		BotToken: s.cfg.botToken, AppToken: s.cfg.appToken}
}
