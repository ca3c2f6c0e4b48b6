package demo

import (
	"fmt"
	"net/http"
	"time"
)

// keepAlive is how often an idle event stream gets a comment, so that nothing between the
// page and the demo closes it.
const keepAlive = 20 * time.Second

// serveEvents answers GET /api/events with server-sent events: one "change" event carrying
// the change counter at once and after every change. The page reads the state again on each.
func (p *Page) serveEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming is not supported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		version, next := p.changes.current()
		if _, err := fmt.Fprintf(w, "event: change\ndata: %d\n\n", version); err != nil {
			return
		}
		flusher.Flush()
	wait:
		for {
			select {
			case <-next:
				break wait
			case <-tick.C:
				if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
					return
				}
				flusher.Flush()
			case <-r.Context().Done():
				return
			case <-p.ctx.Done():
				return
			}
		}
	}
}
