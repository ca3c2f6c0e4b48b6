package demo

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/resetbot/resetbot/approval"
)

// web holds the page: plain HTML, CSS and a script, served as they are.
//
//go:embed web
var web embed.FS

// AuditTrail reads a request's audit events; the bot's store implements it.
type AuditTrail interface {
	Events(ctx context.Context, requestID string) ([]approval.Event, error)
}

// PageConfig is what a Page needs.
type PageConfig struct {
	Fakes *Fakes
	// Calls is the log of the bot's Cognito calls.
	Calls *CallLog
	// Audit reads the audit trail of the requests on the page.
	Audit AuditTrail
	// Command is the slash command the bot answers, e.g. /cognito.
	Command string
	Logger  *slog.Logger
}

// Page is the demo's web page and its JSON endpoints: it shows the fake Slack's channel to
// the person chosen, and acts as that person through the fake's person helpers.
type Page struct {
	cfg     PageConfig
	dir     *directory
	changes *changes
	mux     *http.ServeMux
	ctx     context.Context // ends at Close
	stop    context.CancelFunc
	done    sync.WaitGroup
}

// actionTimeout bounds one person's action: the envelope, its ack, and applying it.
const actionTimeout = 10 * time.Second

// NewPage builds the page and starts watching the fakes for changes; Close stops it.
func NewPage(cfg PageConfig) (*Page, error) {
	if cfg.Fakes == nil || cfg.Calls == nil || cfg.Audit == nil || cfg.Logger == nil || cfg.Command == "" {
		return nil, errors.New("demo page: Fakes, Calls, Audit, Command and Logger are required")
	}
	ctx, stop := context.WithCancel(context.Background())
	p := &Page{cfg: cfg, dir: newDirectory(cfg.Fakes.Cognito.URL(), cfg.Fakes.Workspace), changes: newChanges(), ctx: ctx, stop: stop}
	cfg.Calls.notify(p.changes.bump)
	p.done.Go(func() { p.watchSlack(ctx) })
	static, err := fs.Sub(web, "web")
	if err != nil {
		stop()
		return nil, err
	}
	p.mux = http.NewServeMux()
	p.routes(static)
	return p, nil
}

// routes is the page's routing table.
func (p *Page) routes(static fs.FS) {
	files := http.FileServerFS(static)
	p.mux.Handle("GET /{$}", files)
	p.mux.Handle("GET /static/", http.StripPrefix("/static/", files))
	p.mux.HandleFunc("GET /api/people", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, p.cfg.Fakes.Workspace.People)
	})
	p.mux.HandleFunc("GET /api/state", p.serveState)
	p.mux.HandleFunc("GET /api/events", p.serveEvents)
	p.mux.HandleFunc("POST /api/slash", p.serveSlash)
	p.mux.HandleFunc("POST /api/click", p.serveClick)
	p.mux.HandleFunc("POST /api/submit", p.serveSubmit)
	p.mux.HandleFunc("POST /api/close", p.serveClose)
}

// ServeHTTP serves the page and its endpoints.
func (p *Page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'")
	p.mux.ServeHTTP(w, r)
}

// Close stops watching the fakes and ends the open event streams.
func (p *Page) Close() {
	p.stop()
	p.done.Wait()
}

// watchSlack bumps the change counter whenever the fake Slack received something from the bot
// (a Web API call, a response_url post, an ack) or applied it.
func (p *Page) watchSlack(ctx context.Context) {
	seen := 0
	for {
		err := p.cfg.Fakes.Slack.WaitUntil(ctx, func() bool { return p.cfg.Fakes.Slack.Received() != seen })
		if err != nil {
			return
		}
		seen = p.cfg.Fakes.Slack.Received()
		p.changes.bump()
	}
}
