package bot

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/policy"
)

// Callback ids of the modals.
const (
	callbackRequest = "request"
	callbackDeny    = "deny"
)

// Block ids of the request modal. They are the field names of approval.ValidationError, so
// that its problems land under the right input.
const (
	fieldPool       = "pool"
	fieldTarget     = "target"
	fieldAction     = "action"
	fieldReason     = "reason"
	fieldTicket     = "ticket"
	fieldVerifiedBy = "verified_by"
	fieldSignOut    = "signout"
	fieldDenyReason = "deny_reason"
)

// Lengths the modal's inputs accept.
const (
	maxReasonLen = 500
)

// requestMeta is the request modal's private_metadata: where the command was typed.
type requestMeta struct {
	Channel     string `json:"channel"`
	ResponseURL string `json:"response_url,omitempty"`
}

// denyMeta is the deny modal's private_metadata: the request and the card's channel.
type denyMeta struct {
	Request string `json:"request"`
	Channel string `json:"channel,omitempty"`
}

// requestPreset is what a request form starts filled in with: a follow-up names the pool, the
// user and the action, and leaves the ticket, the reason and how the identity was verified to
// the requester.
type requestPreset struct {
	Pool   string
	Target string
	Action policy.Action
}

// requestModal renders the request form, offering only the pools and actions this person
// may use, filled in with preset. may must not be empty.
func (rd renderer) requestModal(may []PoolActions, checks []policy.IdentityCheck, meta requestMeta, preset requestPreset) (slack.ModalViewRequest, error) {
	md, err := json.Marshal(meta)
	if err != nil {
		return slack.ModalViewRequest{}, fmt.Errorf("encode modal metadata: %w", err)
	}
	var poolOpts []*slack.OptionBlockObject
	var actions []policy.Action
	for _, pa := range may {
		poolOpts = append(poolOpts, slack.NewOptionBlockObject(pa.Pool.Name, plain(truncate(pa.Pool.Name, 75)),
			plain(truncate(pa.Pool.ID, 75))))
		for _, a := range pa.Actions {
			if !slices.Contains(actions, a) {
				actions = append(actions, a)
			}
		}
	}
	slices.SortFunc(actions, func(a, b policy.Action) int {
		return slices.Index(policy.Actions, a) - slices.Index(policy.Actions, b)
	})
	var pool slack.BlockElement
	if len(poolOpts) > maxOptions {
		// More pools than a menu holds: the pool is typed, and checked like a typed --pool.
		in := slack.NewPlainTextInputBlockElement(plain(truncate(may[0].Pool.Name, 150)), fieldPool)
		in.MaxLength = MaxValueLen
		pool = in
	} else {
		sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose a pool"), fieldPool, poolOpts...)
		if len(poolOpts) == 1 {
			sel.InitialOption = poolOpts[0]
		}
		if i := slices.IndexFunc(may, func(pa PoolActions) bool { return pa.Pool.Name == preset.Pool }); i >= 0 {
			sel.InitialOption = poolOpts[i]
		}
		pool = sel
	}
	var actionOpts []*slack.OptionBlockObject
	for _, a := range actions {
		actionOpts = append(actionOpts, slack.NewOptionBlockObject(string(a), plain(a.Title()), plain(string(a))))
	}
	action := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose what to do"), fieldAction, actionOpts...)
	if i := slices.Index(actions, cmp.Or(preset.Action, policy.ActionReset)); i >= 0 {
		action.InitialOption = actionOpts[i]
	}
	target := slack.NewPlainTextInputBlockElement(plain("alice@example.com"), fieldTarget)
	target.MaxLength = MaxTargetLen
	target.InitialValue = truncate(preset.Target, MaxTargetLen)
	reason := slack.NewPlainTextInputBlockElement(plain("Locked out after a phone change"), fieldReason)
	reason.Multiline = true
	reason.MaxLength = maxReasonLen
	ticket := slack.NewPlainTextInputBlockElement(plain("SUP-123"), fieldTicket)
	ticket.MaxLength = MaxValueLen
	var verified slack.BlockElement
	if len(checks) > 0 && len(checks) <= maxOptions {
		var opts []*slack.OptionBlockObject
		for _, ic := range checks {
			var desc *slack.TextBlockObject
			if ic.Description != "" {
				desc = plain(truncate(ic.Description, 75))
			}
			opts = append(opts, slack.NewOptionBlockObject(ic.Name, plain(truncate(ic.Name, 75)), desc))
		}
		verified = slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose how you checked"), fieldVerifiedBy, opts...)
	} else {
		in := slack.NewPlainTextInputBlockElement(plain("video call, known device, manager confirmed"), fieldVerifiedBy)
		in.MaxLength = MaxValueLen
		verified = in
	}
	signout := slack.NewCheckboxGroupsBlockElement(fieldSignOut,
		slack.NewOptionBlockObject("yes", plain("Also sign the user out of every session"),
			plain("Revokes their refresh tokens, e.g. after a suspected takeover")))

	optional := func(b *slack.InputBlock) *slack.InputBlock { b.Optional = true; return b }
	blocks := []slack.Block{
		slack.NewInputBlock(fieldPool, plain("User pool"), nil, pool),
		slack.NewInputBlock(fieldTarget, plain("User"), plain("Username, email or sub"), target),
		slack.NewInputBlock(fieldAction, plain("Action"), nil, action),
		optional(slack.NewInputBlock(fieldReason, plain("Reason"), nil, reason)),
		optional(slack.NewInputBlock(fieldTicket, plain("Ticket"), nil, ticket)),
		optional(slack.NewInputBlock(fieldVerifiedBy, plain("How you verified who they are"), nil, verified)),
		optional(slack.NewInputBlock(fieldSignOut, plain("Sessions"), nil, signout)),
	}
	if rd.dryRun {
		blocks = append(blocks, contextLine("*"+dryRunMark+"*: the bot only reads Cognito; nothing is changed."))
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackRequest,
		Title:           plain("Cognito request"),
		Submit:          plain("Request"),
		Close:           plain("Cancel"),
		Blocks:          slack.Blocks{BlockSet: blocks},
		PrivateMetadata: string(md),
	}, nil
}

// denyModal asks an approver why they deny a request.
func (rd renderer) denyModal(meta denyMeta, what string) (slack.ModalViewRequest, error) {
	md, err := json.Marshal(meta)
	if err != nil {
		return slack.ModalViewRequest{}, fmt.Errorf("encode modal metadata: %w", err)
	}
	reason := slack.NewPlainTextInputBlockElement(plain("Not verified; please call the user back first"), fieldDenyReason)
	reason.Multiline = true
	reason.MaxLength = maxReasonLen
	return slack.ModalViewRequest{
		Type:       slack.VTModal,
		CallbackID: callbackDeny,
		Title:      plain("Deny request"),
		Submit:     plain("Deny"),
		Close:      plain("Back"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			section(what),
			slack.NewInputBlock(fieldDenyReason, plain("Why not?"), plain("The requester sees this in the thread"), reason),
		}},
		PrivateMetadata: string(md),
	}, nil
}

// formValues reads a submitted view's inputs.
type formValues map[string]map[string]slack.BlockAction

func (f formValues) text(field string) string {
	return strings.TrimSpace(f[field][field].Value)
}

func (f formValues) selected(field string) string {
	return f[field][field].SelectedOption.Value
}

// textOrSelected reads an input that is a text field or a select, depending on the policy.
func (f formValues) textOrSelected(field string) string {
	if v := f.text(field); v != "" {
		return v
	}
	return f.selected(field)
}

func (f formValues) checked(field, value string) bool {
	return slices.ContainsFunc(f[field][field].SelectedOptions, func(o slack.OptionBlockObject) bool { return o.Value == value })
}

// requestForm is the request modal as submitted.
type requestForm struct {
	Pool, Target, Reason, Ticket, VerifiedBy string
	Action                                   policy.Action
	SignOut                                  bool
}

// readRequestForm reads the request modal's values; problems come back per field, in the
// shape of a response_action errors ack.
func readRequestForm(state *slack.ViewState) (requestForm, map[string]string) {
	var f formValues
	if state != nil {
		f = state.Values
	}
	errs := map[string]string{}
	form := requestForm{
		Pool:       f.textOrSelected(fieldPool),
		Target:     f.text(fieldTarget),
		Reason:     f.text(fieldReason),
		Ticket:     f.text(fieldTicket),
		VerifiedBy: f.textOrSelected(fieldVerifiedBy),
		SignOut:    f.checked(fieldSignOut, "yes"),
	}
	if form.Pool == "" {
		errs[fieldPool] = "Choose a pool."
	}
	if form.Target == "" {
		errs[fieldTarget] = "Type a username, email or sub."
	}
	a, ok := policy.ParseAction(f.selected(fieldAction))
	if !ok {
		errs[fieldAction] = "Choose an action."
	}
	form.Action = a
	for _, in := range []struct {
		field, value string
		max          int
	}{
		{fieldPool, form.Pool, MaxValueLen},
		{fieldTarget, form.Target, MaxTargetLen},
		{fieldReason, form.Reason, maxReasonLen},
		{fieldTicket, form.Ticket, MaxValueLen},
		{fieldVerifiedBy, form.VerifiedBy, MaxValueLen},
	} {
		if msg := checkField(in.value, in.field == fieldReason, in.max); msg != "" {
			errs[in.field] = msg
		}
	}
	if form.SignOut && (a.ReadOnly() || a == policy.ActionSignOut) && ok {
		errs[fieldSignOut] = fmt.Sprintf("Signing out does not apply to %s.", a)
	}
	return form, errs
}

// checkField refuses a typed value longer than max characters (the input's max_length,
// which Slack's clients enforce), or holding control or bidi characters; a multi-line value
// may hold line breaks.
func checkField(v string, multiline bool, max int) string {
	if !utf8.ValidString(v) {
		return "This is not valid text."
	}
	if n := utf8.RuneCountInString(v); n > max {
		return fmt.Sprintf("This is %d characters long; at most %d fit.", n, max)
	}
	for _, r := range v {
		if multiline && r == '\n' {
			continue
		}
		if isControlOrBidi(r) {
			return fmt.Sprintf("Remove the control character U+%04X.", r)
		}
	}
	return ""
}
