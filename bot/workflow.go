package bot

import (
	"context"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// Workflow is the approval workflow as the bot uses it: what people ask for in Slack goes to
// it, and its answers and errors are shown back. *approval.Service implements it; the
// decisions, the records and the runs are its own.
type Workflow interface {
	// Validate checks a modal submission without recording anything, for the ack's field
	// errors.
	Validate(ctx context.Context, sub approval.Submission) error
	// Submit records a request, posts its card and runs it when no approval is needed.
	Submit(ctx context.Context, sub approval.Submission) (*approval.Request, error)
	// Status and History answer the read-only actions.
	Status(ctx context.Context, sub approval.Submission) (approval.StatusReport, error)
	History(ctx context.Context, sub approval.Submission) ([]*approval.Request, error)
	// QueueOf lists what an approver may decide and asked for, for the Home tab.
	QueueOf(ctx context.Context, a policy.Approver) (approval.Queue, error)
	// QueuesOf lists the queues of several people, in the order given, from one read.
	QueuesOf(ctx context.Context, people ...policy.Approver) ([]approval.Queue, error)
	// Get returns a request.
	Get(ctx context.Context, id string) (*approval.Request, error)
	// ApproveEnvelope, Deny and Cancel are the buttons of a request's card; MayDeny answers,
	// changing nothing, whether a may deny it, before a is asked for a reason. ApproveEnvelope
	// claims the click's envelope with its decision; one claimed before is ErrClaimedBefore.
	ApproveEnvelope(ctx context.Context, id string, a policy.Approver, e approval.Envelope) (*approval.Request, error)
	MayDeny(ctx context.Context, id string, a policy.Approver) (*approval.Request, error)
	Deny(ctx context.Context, id string, a policy.Approver, reason string) (*approval.Request, error)
	Cancel(ctx context.Context, id, user string) (*approval.Request, error)
	// StartsDone is closed once the clicks and runs on their way to Cognito now have started
	// their actions: what can wait waits for it.
	StartsDone() <-chan struct{}
}

var _ Workflow = (*approval.Service)(nil)
