package approval_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// TestPasswordsLeakNowhere runs every action that makes a password, through approval and
// without, and then scans everything the bot keeps or says for the passwords: the database
// files, every request and audit event, every notice, and the log. Only the private delivery
// to the requester may hold them.
func TestPasswordsLeakNowhere(t *testing.T) {
	h := newHarness(t)
	h.submit(sub(dev, policy.ActionTempPassword))
	h.submit(sub(dev, policy.ActionPermanentPassword))
	r := h.submit(sub(dual, policy.ActionTempPassword))
	h.approve(r.ID, lead2)
	h.approve(r.ID, lead3)
	// A delivery that fails, with the password in the notifier's error.
	h.note.secretErr = fmt.Errorf("slack: cannot post")
	h.submit(sub(dev, policy.ActionTempPassword))

	delivered := h.note.delivered()
	if len(delivered) != 3 {
		t.Fatalf("%d passwords delivered, want 3", len(delivered))
	}
	secrets := []string{secretFor(1), secretFor(2), secretFor(3), secretFor(4)}
	for i, d := range delivered {
		if d.Password.Reveal() != secrets[i] || d.Requester != "U0REQ0001" {
			t.Errorf("delivery %d: %+v", i, d)
		}
	}

	var everything bytes.Buffer
	ctx := t.Context()
	for _, pool := range []policy.Pool{dev, dual} {
		rs, err := h.db.History(ctx, pool.ID, "alice", 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			fmt.Fprintf(&everything, "%+v\n", *r)
			for _, e := range h.eventList(r.ID) {
				fmt.Fprintf(&everything, "%+v\n", e)
			}
		}
	}
	for _, n := range h.note.all() {
		fmt.Fprintf(&everything, "%+v\n", n)
	}
	everything.WriteString(h.logs.String())
	if err := h.db.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(h.dbPath + "*")
	if len(files) == 0 {
		t.Fatal("no database files to scan")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		everything.Write(b)
	}

	for _, s := range secrets {
		if i := strings.Index(everything.String(), s); i >= 0 {
			from := max(0, i-200)
			t.Errorf("password %q found in what the bot keeps or says: …%s…", s, everything.String()[from:i+len(s)])
		}
	}
	if !strings.Contains(everything.String(), "Temporary password set for alice") {
		t.Error("the scan did not see the outcomes: it scanned the wrong things")
	}
}

// TestLogLinesAboutARequestNameIt: every log line written while a request is handled carries
// its request_id.
func TestLogLinesAboutARequestNameIt(t *testing.T) {
	h := newHarness(t)
	h.note.notifyErr = errBoom
	r := h.submit(sub(dual, policy.ActionTempPassword))
	h.approve(r.ID, lead2)
	_, _ = h.svc.Approve(t.Context(), r.ID, outsider)
	_, _ = h.svc.Approve(t.Context(), r.ID, lead2)
	h.approve(r.ID, lead3)
	d := h.submit(sub(dev, policy.ActionReset))
	h.dir.setFail(string(policy.ActionReset), &approval.Error{Code: approval.ETHROTTLED, Message: "slow down"})
	f := h.submit(sub(dev, policy.ActionReset))
	c := h.submit(sub(prod, policy.ActionReset))
	_, _ = h.svc.Cancel(t.Context(), c.ID, "U0REQ0001")

	ids := map[string]bool{r.ID: true, d.ID: true, f.ID: true, c.ID: true}
	seen := map[string]bool{}
	for _, line := range h.logLines() {
		msg, _ := line["msg"].(string)
		if strings.HasPrefix(msg, "policy ") || msg == "submission refused" {
			continue
		}
		id, _ := line["request_id"].(string)
		if !ids[id] {
			t.Errorf("log line without a known request_id: %v", line)
		}
		seen[id] = true
	}
	if len(seen) != len(ids) {
		t.Errorf("log lines name %d requests, want %d", len(seen), len(ids))
	}
}
