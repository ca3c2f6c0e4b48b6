package bot

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
)

// modalFields are the request modal's inputs, by the workflow's field names.
var modalFields = map[string]bool{
	fieldPool: true, fieldTarget: true, fieldAction: true, fieldReason: true, fieldTicket: true, fieldVerifiedBy: true,
}

// submitRequestModal checks a submitted request modal within the ack's deadline: field
// problems go back beside the fields; a valid request closes the modal and is submitted, its
// card posted in the channel the command was typed in.
func (b *Bot) submitRequestModal(ctx context.Context, who caller, view slack.View) any {
	var meta requestMeta
	if err := json.Unmarshal([]byte(view.PrivateMetadata), &meta); err != nil || meta.Channel == "" {
		b.log.WarnContext(ctx, "a request modal came back without its channel", "user", who.User)
		return slack.NewErrorsViewSubmissionResponse(map[string]string{fieldAction: "This form lost track of its channel; close it and type the command again."})
	}
	who.Channel = meta.Channel
	who.To = audience{User: who.User, Channel: meta.Channel, ResponseURL: meta.ResponseURL}

	form, errs := readRequestForm(view.State)
	if len(errs) > 0 {
		return slack.NewErrorsViewSubmissionResponse(errs)
	}
	c := Command{Kind: KindAction, Action: form.Action, Target: form.Target, Pool: form.Pool, Ticket: form.Ticket,
		VerifiedBy: form.VerifiedBy, SignOut: form.SignOut, Reason: form.Reason}
	if h, ok := b.readOnly(c.Action); ok {
		b.goWork(ctx, func(ctx context.Context) { h(ctx, who, c) })
		return nil
	}
	sub := who.submission(c)
	err := b.svc.Validate(ctx, sub)
	switch {
	case err == nil:
	case ctx.Err() != nil:
		// Out of time to check: close the modal; Submit checks everything again and tells the
		// requester if it refuses.
		b.log.WarnContext(ctx, "checking a request modal ran out of time; submitting it unchecked", "user", who.User, "err", err)
	default:
		return slack.NewErrorsViewSubmissionResponse(fieldErrors(err))
	}
	b.goWork(ctx, func(ctx context.Context) { b.submit(ctx, who, sub) })
	return nil
}

// fieldErrors places the workflow's refusal beside the modal's fields: a ValidationError's
// by field, anything else beside the action.
func fieldErrors(err error) map[string]string {
	out := map[string]string{}
	var ve *approval.ValidationError
	if errors.As(err, &ve) {
		var other []string
		for k, msg := range ve.Fields {
			if modalFields[k] {
				out[k] = msg
			} else {
				other = append(other, msg)
			}
		}
		if len(other) > 0 {
			out[fieldAction] = strings.TrimSpace(out[fieldAction] + " " + strings.Join(other, " "))
		}
		if len(out) > 0 {
			return out
		}
	}
	out[fieldAction] = approval.ErrorMessage(err)
	return out
}

// submitDenyModal takes the reason for a denial; the denial itself runs after the ack, and a
// refusal is told to the approver alone.
func (b *Bot) submitDenyModal(ctx context.Context, who caller, view slack.View) any {
	var meta denyMeta
	if err := json.Unmarshal([]byte(view.PrivateMetadata), &meta); err != nil || meta.Request == "" {
		b.log.WarnContext(ctx, "a deny modal came back without its request", "user", who.User)
		return slack.NewErrorsViewSubmissionResponse(map[string]string{fieldDenyReason: "This form lost track of its request; close it and click Deny again."})
	}
	var f formValues
	if view.State != nil {
		f = view.State.Values
	}
	reason := f.text(fieldDenyReason)
	if reason == "" {
		return slack.NewErrorsViewSubmissionResponse(map[string]string{fieldDenyReason: "Say why, for the requester."})
	}
	if msg := checkField(reason, true, maxReasonLen); msg != "" {
		return slack.NewErrorsViewSubmissionResponse(map[string]string{fieldDenyReason: msg})
	}
	who.Channel = meta.Channel
	who.To = audience{User: who.User, Channel: meta.Channel}
	b.goWork(ctx, func(ctx context.Context) {
		if _, err := b.svc.Deny(ctx, meta.Request, who.approver(), reason); err != nil {
			b.notAllowed(ctx, who, err)
		}
	})
	return nil
}
