package auditexport

import (
	"time"

	"github.com/resetbot/resetbot/approval"
)

// Record is one audit event with what it is about, as the export writes it.
type Record struct {
	ID           int64     `json:"id"`
	At           time.Time `json:"at"`
	RequestID    string    `json:"request_id"`
	Actor        string    `json:"actor"`
	Kind         string    `json:"kind"`
	Requester    string    `json:"requester"`
	Action       string    `json:"action"`
	Pool         string    `json:"pool"`
	Target       string    `json:"target"`
	Rule         string    `json:"rule"`
	Outcome      string    `json:"outcome"`
	AWSRequestID string    `json:"aws_request_id"`
	Detail       string    `json:"detail"`
}

// subject is what a record is about: from its request, or, for an event about no stored
// request (a refusal, a status look), from the event's detail.
type subject struct {
	Requester, Action, Pool, Target string
}

// subjectOf is what a stored request is about. The target is the username as stored.
func subjectOf(r *approval.Request) subject {
	return subject{Requester: r.Requester, Action: string(r.Action), Pool: r.Pool.Name, Target: r.Target.Username}
}

// record makes the record of an event about s.
func record(e approval.Event, s subject) Record {
	return Record{
		ID: e.ID, At: e.At.UTC(), RequestID: e.RequestID, Actor: e.Actor, Kind: e.Kind,
		Requester: s.Requester, Action: s.Action, Pool: s.Pool, Target: s.Target,
		Rule: e.Rule, Outcome: e.Outcome, AWSRequestID: e.AWSRequestID, Detail: e.Detail,
	}
}
