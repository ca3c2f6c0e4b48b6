package slacktest

import (
	cryptorand "crypto/rand"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// ids makes the identifiers Slack hands out, in Slack's shapes. It is safe for concurrent use.
type ids struct {
	mu     sync.Mutex
	rnd    *rand.Rand
	lastTS time.Time
}

func newIDs(seed uint64) *ids {
	if seed == 0 {
		var b [8]byte
		_, _ = cryptorand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:])
	}
	return &ids{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	mixedAlnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	hexDigits  = "0123456789abcdef"
)

func (g *ids) chars(alphabet string, n int) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var b strings.Builder
	for range n {
		b.WriteByte(alphabet[g.rnd.IntN(len(alphabet))])
	}
	return b.String()
}

// intn returns a random int in [0, n).
func (g *ids) intn(n int) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.rnd.IntN(n)
}

// envelope returns a UUID-shaped envelope id.
func (g *ids) envelope() string {
	h := g.chars(hexDigits, 32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}

// trigger returns a trigger_id like "7044.5810.3e0a7b1c2d".
func (g *ids) trigger(now time.Time) string {
	return fmt.Sprintf("%d.%d.%s", now.Unix(), 1000000+g.intn(9000000), g.chars(hexDigits, 32))
}

func (g *ids) view() string    { return "V" + g.chars(upperAlnum, 10) }
func (g *ids) im() string      { return "D" + g.chars(upperAlnum, 10) }
func (g *ids) mpim() string    { return "G" + g.chars(upperAlnum, 10) }
func (g *ids) event() string   { return "Ev" + g.chars(upperAlnum, 10) }
func (g *ids) blockID() string { return g.chars(mixedAlnum, 5) }
func (g *ids) ticket() string  { return g.chars(hexDigits, 32) }
func (g *ids) secret() string  { return g.chars(mixedAlnum, 24) }

func (g *ids) hash(now time.Time) string {
	return fmt.Sprintf("%d.%s", now.Unix(), g.chars(mixedAlnum, 8))
}

func (g *ids) botToken() string {
	return fmt.Sprintf("xoxb-%d-%d-%s", 1000000000+g.intn(999999999), 1000000000+g.intn(999999999), g.secret())
}

func (g *ids) appToken(appID string) string {
	return fmt.Sprintf("xapp-1-%s-%d-%s", appID, 1000000000+g.intn(999999999), g.chars(hexDigits, 64))
}

// ts returns a message timestamp ("1700000000.000100") at now, strictly after every ts it
// returned before, so every message in the workspace has its own.
func (g *ids) ts(now time.Time) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	t := now.Truncate(time.Microsecond)
	if !t.After(g.lastTS) {
		t = g.lastTS.Add(time.Microsecond)
	}
	g.lastTS = t
	return fmt.Sprintf("%d.%06d", t.Unix(), t.Nanosecond()/1000)
}
