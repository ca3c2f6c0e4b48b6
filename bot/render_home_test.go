package bot

import (
	"testing"
	"time"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// fixtureQueue is a queue with something in every list.
func fixtureQueue() approval.Queue {
	waiting := fixtureRequest()
	waiting.CreatedAt = fixedTime.Add(-90 * time.Minute)
	second := fixtureRequest()
	second.ID, second.Action, second.Requester = "r-2bq7xv4m", policy.ActionTempPassword, "U0SAM"
	second.Target.Username, second.Thread.TS = "dave@example.com", "1772445900.000200"
	second.CreatedAt = fixedTime.Add(-5 * time.Minute)
	mine := fixtureRequest()
	mine.ID, mine.Requester, mine.Approvals, mine.ApprovalsNeeded = "r-mine0001", "U0BOB", []approval.Approval{{By: "U0LENA"}}, 2
	mine.CreatedAt = fixedTime.Add(-3 * 24 * time.Hour)
	done := fixtureRequest()
	done.ID, done.State, done.Thread.TS = "r-done0001", approval.StateSucceeded, "1772440000.000300"
	denied := fixtureRequest()
	denied.ID, denied.State, denied.DecidedBy = "r-deny0001", approval.StateDenied, "U0BOB"
	denied.Thread = approval.Thread{}
	return approval.Queue{
		Waiting: []*approval.Request{waiting, second}, WaitingTotal: 2,
		Mine: []*approval.Request{mine}, MineTotal: 1,
		Decided: []*approval.Request{done, denied},
	}
}

func TestGoldenHome(t *testing.T) {
	const url = "https://example.slack.com/"
	for _, tt := range []struct {
		name string
		q    approval.Queue
		url  string
	}{
		{"empty", approval.Queue{}, url},
		{"full", fixtureQueue(), url},
		{"full without the workspace url", fixtureQueue(), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			golden(t, goldenName("home", tt.name), testRenderer().home(tt.q, permalink(tt.url), fixedTime))
		})
	}
}

func TestGoldenPending(t *testing.T) {
	for _, tt := range []struct {
		name string
		q    approval.Queue
	}{
		{"empty", approval.Queue{}},
		{"full", fixtureQueue()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			golden(t, goldenName("answer_pending", tt.name), testRenderer().pending(tt.q, permalink("https://example.slack.com/"), fixedTime))
		})
	}
}
