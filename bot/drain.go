package bot

import "time"

// The drain of a stopping bot. Slack gives each envelope to one of the app's connections and
// keeps choosing this one until it is closed, so an envelope may arrive after the stop began.
// One the bot has read is acknowledged and handled like any other: closing the connection at
// once would leave it unacknowledged (Slack shows the person an error) while, read already, it
// might still be handled. The connection is closed once it has been quiet for DrainQuiet, or
// after drainMax at the most; only an envelope still on the wire at that instant goes
// unacknowledged, as on any connection that closes.
const (
	// DefaultDrainQuiet is Config.DrainQuiet's default.
	DefaultDrainQuiet = 250 * time.Millisecond
	// drainMax bounds the drain of a connection Slack keeps busy.
	drainMax = 3 * time.Second
)

// drain times the close of a stopping bot's connection. Its zero value is not draining: its
// channels are nil and never ready.
type drain struct {
	quietFor     time.Duration
	quietT, maxT *time.Timer
}

// start begins the drain.
func (d *drain) start() {
	d.quietT = time.NewTimer(d.quietFor)
	d.maxT = time.NewTimer(drainMax)
}

// received restarts the quiet period after an envelope came in during the drain.
func (d *drain) received() {
	if d.quietT != nil {
		d.quietT.Reset(d.quietFor)
	}
}

// quiet is ready once no envelope came in for quietFor.
func (d *drain) quiet() <-chan time.Time {
	if d.quietT == nil {
		return nil
	}
	return d.quietT.C
}

// over is ready once the drain has lasted drainMax.
func (d *drain) over() <-chan time.Time {
	if d.maxT == nil {
		return nil
	}
	return d.maxT.C
}

// stop ends the drain.
func (d *drain) stop() {
	if d.quietT != nil {
		d.quietT.Stop()
		d.maxT.Stop()
	}
	*d = drain{quietFor: d.quietFor}
}
