package approval_test

import (
	"bufio"
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// auditLine is the part of an audit log line the store also has.
type auditLine struct {
	RequestID    string `json:"request_id"`
	At           string `json:"at"`
	Actor        string `json:"actor"`
	Kind         string `json:"kind"`
	Rule         string `json:"rule"`
	Outcome      string `json:"outcome"`
	AWSRequestID string `json:"aws_request_id"`
	Detail       string `json:"detail"`
}

// TestAuditLogCopiesEveryEvent runs flows that write every kind of audit event the source
// writes (writtenKinds reads them from it, so a new kind fails the test until a flow here
// writes it) through AuditLog, and checks that the log holds one line per stored event, with
// the same fields at the top level, and no password.
func TestAuditLogCopiesEveryEvent(t *testing.T) {
	audit := &logBuffer{}
	m := &fakeMembership{groups: map[string][]string{"U0REQ0001": requesterGroups, lead2.User: lead2.Groups, lead3.User: lead3.Groups}}
	h := newHarness(t, func(c *approval.Config) {
		c.Store = approval.AuditLog(c.Store, slog.New(slog.NewJSONHandler(audit, nil)))
		c.Membership = m
	})
	ctx := t.Context()

	done := h.submit(sub(prod, policy.ActionReset)) // submitted, approved, running, succeeded
	if _, err := h.svc.Approve(ctx, done.ID, outsider); err == nil {
		t.Fatal("an outsider's approval was counted")
	} // approval_refused
	h.approve(done.ID, lead1)
	secret := h.submit(sub(dev, policy.ActionTempPassword)) // a password, no approval needed
	denied := h.submit(sub(prod, policy.ActionReset))
	if _, err := h.svc.Deny(ctx, denied.ID, lead1, "call back first"); err != nil {
		t.Fatalf("Deny: %v", err)
	}
	cancelled := h.submit(sub(prod, policy.ActionReset))
	if _, err := h.svc.Cancel(ctx, cancelled.ID, "U0REQ0001"); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	signOut := sub(prod, policy.ActionReset)
	signOut.SignOut = true
	h.approve(h.submit(signOut).ID, lead1) // signed_out
	h.dir.setFail("signout", errBoom)
	h.approve(h.submit(signOut).ID, lead1) // sign_out_failed
	h.dir.setFail("signout", nil)
	failing := sub(dev, policy.ActionReset)
	failing.Target = "bob" // no verified contact: failed
	h.submit(failing)
	refused := sub(prod, policy.ActionReset)
	refused.Groups = nil
	if _, err := h.svc.Submit(ctx, refused); err == nil {
		t.Fatal("a submission the policy refuses was taken")
	} // denied_by_policy
	read := sub(prod, policy.ActionStatus)
	read.Ticket, read.VerifiedBy, read.Reason = "", "", ""
	if _, err := h.svc.Status(ctx, read); err != nil {
		t.Fatalf("Status: %v", err)
	}
	read.Action = policy.ActionHistory
	if _, err := h.svc.History(ctx, read); err != nil {
		t.Fatalf("History: %v", err)
	}
	limit := another(sub(limited, policy.ActionReset), 1) // the requester has asked for more than the pool allows
	h.submit(limit)
	if _, err := h.svc.Submit(ctx, limit); approval.ErrorCode(err) != approval.ELIMITED {
		t.Fatalf("a second request on the same user within the limit's window: %v", err)
	} // rate_limited
	dropped := h.submit(sub(dual, policy.ActionReset))
	h.approve(dropped.ID, lead2)
	m.set(lead2.User, nil, nil)
	h.approve(dropped.ID, lead3) // approval_not_counted, approved

	// Another replica, logging too, marks a run that outlived its lease interrupted; the run's
	// result comes after: result_not_recorded.
	otherCfg := h.cfg
	otherCfg.Owner = "test-2"
	other, err := approval.New(otherCfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(other.Wait)
	hung := h.submit(sub(prod, policy.ActionReset))
	h.dir.hold = func(context.Context) {
		h.clock.Advance(3 * time.Minute)
		if err := other.Sweep(ctx); err != nil {
			t.Errorf("Sweep: %v", err)
		}
	}
	if _, err := h.svc.Approve(ctx, hung.ID, lead1); approval.ErrorCode(err) != approval.ECONFLICT {
		t.Fatalf("Approve of a run interrupted meanwhile: %v", err)
	}
	h.dir.hold = nil

	h.submit(sub(prod, policy.ActionReset))
	if _, err := h.svc.Submit(ctx, sub(prod, policy.ActionReset)); approval.ErrorCode(err) != approval.EOPEN {
		t.Fatalf("the same request again while it is open: %v", err)
	} // already_open
	h.clock.Advance(31 * time.Minute)
	h.sweep() // reminded
	h.clock.Advance(4 * time.Hour)
	h.sweep() // expired
	h.svc.Wait()

	var stored []auditLine
	kinds := map[string]bool{}
	err = h.db.ScanEvents(ctx, approval.EventFilter{}, func(e approval.Event) error {
		kinds[e.Kind] = true
		stored = append(stored, auditLine{e.RequestID, e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Kind, e.Rule, e.Outcome, e.AWSRequestID, e.Detail})
		return nil
	})
	if err != nil {
		t.Fatalf("ScanEvents: %v", err)
	}
	want := writtenKinds(t)
	if diff := cmp.Diff(slices.Sorted(func(yield func(string) bool) {
		for k := range kinds {
			if !yield(k) {
				return
			}
		}
	}), want); diff != "" {
		t.Errorf("the flows wrote other kinds of event than the source writes (-flows +source):\n%s", diff)
	}

	var logged []auditLine
	sc := bufio.NewScanner(strings.NewReader(audit.String()))
	for sc.Scan() {
		var top map[string]any
		if err := json.Unmarshal(sc.Bytes(), &top); err != nil {
			t.Fatalf("not one JSON object a line: %s", sc.Text())
		}
		if top["msg"] != "audit" {
			t.Errorf("a line that is not an audit event: %s", sc.Text())
			continue
		}
		var l auditLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		if l.RequestID != "" && (top["action"] == nil || top["pool"] == nil || top["target"] == nil || top["requester"] == nil) {
			t.Errorf("the %s line of %s does not name the request's action, pool, target and requester: %s", l.Kind, l.RequestID, sc.Text())
		}
		logged = append(logged, l)
	}
	sortLines := func(ls []auditLine) {
		slices.SortFunc(ls, func(a, b auditLine) int {
			return strings.Compare(a.At+a.Kind+a.RequestID+a.Actor, b.At+b.Kind+b.RequestID+b.Actor)
		})
	}
	sortLines(stored)
	sortLines(logged)
	if diff := cmp.Diff(logged, stored); diff != "" {
		t.Errorf("audit log lines vs stored events (-logged +stored):\n%s", diff)
	}
	for _, d := range h.note.delivered() {
		if strings.Contains(audit.String(), d.Password.Reveal()) {
			t.Errorf("the password of %s is in the audit log", secret.ID)
		}
	}
	if len(h.note.delivered()) == 0 {
		t.Error("no password was made: the test checks for none")
	}
}
