package bot

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
)

// Action ids of the card's buttons and of the follow-up button in a thread reply. The value
// of each is the request id.
const (
	actionApprove  = "approve"
	actionDeny     = "deny"
	actionCancel   = "cancel"
	actionFollowUp = "follow_up"
)

// stateStyle is how a card shows a state.
type stateStyle struct {
	label string
	// outcome is the line under the details; "" for none.
	outcome func(rd renderer, r *approval.Request) string
}

var stateStyles = map[approval.State]stateStyle{
	approval.StatePending: {label: "⏳ Waiting for approval"},
	approval.StateApproved: {label: "👍 Approved", outcome: func(renderer, *approval.Request) string {
		return "👍 *Approved.* It runs in a moment."
	}},
	approval.StateRunning: {label: "⚙️ Running", outcome: func(renderer, *approval.Request) string {
		return "⚙️ *Running…*"
	}},
	approval.StateSucceeded: {label: "✅ Done", outcome: func(_ renderer, r *approval.Request) string {
		return "✅ *Done.* " + esc(r.Outcome)
	}},
	approval.StateFailed: {label: "❌ Failed", outcome: func(_ renderer, r *approval.Request) string {
		return "❌ *Failed.* " + esc(r.Outcome)
	}},
	approval.StateDenied: {label: "⛔ Denied", outcome: func(_ renderer, r *approval.Request) string {
		s := "⛔ *Denied* by " + mentionUser(r.DecidedBy)
		if r.DenyReason != "" {
			s += ": " + esc(approval.MaskAddresses(r.DenyReason))
		}
		return s
	}},
	approval.StateCancelled: {label: "🚫 Cancelled", outcome: func(_ renderer, r *approval.Request) string {
		return "🚫 *Cancelled* by " + mentionUser(r.DecidedBy) + "."
	}},
	approval.StateExpired: {label: "⌛ Expired", outcome: func(renderer, *approval.Request) string {
		return "⌛ *Expired* before enough approvals came in. Ask again if it is still needed."
	}},
	approval.StateInterrupted: {label: "⚠️ Interrupted", outcome: func(_ renderer, r *approval.Request) string {
		s := "⚠️ *Interrupted* while running; it is not run again by itself. Check the user with status before asking again."
		if r.Outcome != "" {
			s += " " + esc(r.Outcome)
		}
		return s
	}},
}

func styleOf(s approval.State) stateStyle {
	if st, ok := stateStyles[s]; ok {
		return st
	}
	return stateStyle{label: string(s)}
}

func (rd renderer) isDryRun(r *approval.Request) bool { return rd.dryRun || r.DryRun }

// card renders a request's card in its current state: buttons while it is pending, its
// outcome once it has one.
func (rd renderer) card(r *approval.Request) message {
	st := styleOf(r.State)
	header := r.Action.Title() + " · " + st.label
	if rd.isDryRun(r) {
		header = "[" + dryRunMark + "] " + header
	}
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(header)),
		section(rd.ask(r)),
		slack.NewSectionBlock(nil, rd.targetFields(r), nil),
	}
	blocks = append(blocks, reasonSections(approval.MaskAddresses(r.Reason))...)
	blocks = append(blocks, section(rd.approvalsLine(r)))
	if st.outcome != nil {
		blocks = append(blocks, section(st.outcome(rd, r)))
	}
	if r.State == approval.StatePending {
		if undeliverable(r) {
			blocks = append(blocks, rd.verifyFirst(r)...)
		}
		blocks = append(blocks, rd.buttons(r))
	}
	blocks = append(blocks, contextLine(rd.footer(r)))

	text := fmt.Sprintf("%s: %s asks to %s %s in %s — %s.", r.Action.Title(), mentionUser(r.Requester),
		r.Action.Phrase(), userRef(r.Target.Username), esc(r.Pool.Name), strings.ToLower(stripEmoji(st.label)))
	if r.State == approval.StatePending {
		if undeliverable(r) {
			text += " The user has no verified email or phone number, so the reset code cannot be delivered."
		}
		text += " Approvers: " + rd.approverList(r.Approvers) + "."
	}
	if rd.isDryRun(r) {
		text = "[" + dryRunMark + "] " + text
	}
	return message{Text: text, Blocks: blocks}
}

// stripEmoji drops the leading emoji and space of a state label.
func stripEmoji(label string) string {
	if _, rest, ok := strings.Cut(label, " "); ok {
		return rest
	}
	return label
}

func (rd renderer) ask(r *approval.Request) string {
	s := fmt.Sprintf("%s asks to *%s* %s in *%s*", mentionUser(r.Requester), r.Action.Phrase(),
		userRef(r.Target.Username), esc(r.Pool.Name))
	if r.SignOut {
		s += ", and to sign them out of every session"
	}
	return s + "."
}

// maxReasonSections bounds the sections a reason is spread over, well within the 50 blocks
// of a message: five hold more than any reason the command or the modal takes.
const maxReasonSections = 5

// reasonSections show a reason, spread over as many sections as its length needs.
func reasonSections(reason string) []slack.Block {
	const label = "*Reason*\n"
	var blocks []slack.Block
	chunks := escChunks(reason, maxSectionText-len(label))
	for i, chunk := range chunks {
		if i == 0 {
			chunk = label + chunk
		}
		if i == maxReasonSections-1 && len(chunks) > maxReasonSections {
			blocks = append(blocks, section(clipMrkdwn(chunk, len([]rune(chunk))-1)))
			break
		}
		blocks = append(blocks, section(chunk))
	}
	return blocks
}

func (rd renderer) targetFields(r *approval.Request) []*slack.TextBlockObject {
	t := r.Target
	user := userRef(t.Username)
	if t.Ref != "" && t.Ref != t.Username {
		user += " (asked for as " + escClip(approval.MaskRef(t.Ref), refBudget) + ")"
	}
	if t.Sub != "" {
		user += "\nsub " + codeWithin(t.Sub, refBudget)
	}
	fields := []*slack.TextBlockObject{
		field("*User*\n" + user),
		field("*Cognito status*\n" + statusLine(t.Status, t.Enabled)),
		field("*Email*\n" + contactLine(t.EmailMasked, t.EmailVerified)),
		field("*Phone*\n" + contactLine(t.PhoneMasked, t.PhoneVerified)),
		field("*Groups*\n" + groupsLine(t.Groups)),
		field("*Pool*\n" + poolLine(r.Pool.Name, r.Pool.ID, r.Pool.Region)),
		field("*Ticket*\n" + orDash(r.Ticket)),
		field("*Identity check*\n" + orDash(r.VerifiedBy)),
	}
	return fields
}

func statusLine(status string, enabled bool) string {
	s := orDash(status)
	if enabled {
		return s + " · enabled"
	}
	return s + " · *disabled*"
}

func contactLine(masked string, verified bool) string {
	if masked == "" {
		return "—"
	}
	if verified {
		return esc(masked) + " (verified)"
	}
	return esc(masked) + " (*not verified*)"
}

// groupsLine lists Cognito groups, as many as fit in a field, and how many more there are.
func groupsLine(groups []string) string {
	if len(groups) == 0 {
		return "—"
	}
	var b strings.Builder
	for i, g := range groups {
		name := escClip(g, refBudget)
		if i > 0 && b.Len()+len(name)+2 > groupsBudget {
			fmt.Fprintf(&b, " and %d more", len(groups)-i)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(name)
	}
	return b.String()
}

func poolLine(name, id, region string) string {
	s := "*" + esc(name) + "*"
	if id != "" {
		s += " · " + code(id)
	}
	if region != "" {
		s += " (" + esc(region) + ")"
	}
	return s
}

func (rd renderer) approvalsLine(r *approval.Request) string {
	if r.ApprovalsNeeded == 0 {
		return "*Approvals*: none needed (rule " + code(r.Rule) + ")."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "*Approvals*: %d of %d", len(r.Approvals), r.ApprovalsNeeded)
	if len(r.Approvals) > 0 {
		by := make([]string, len(r.Approvals))
		for i, a := range r.Approvals {
			by[i] = mentionUser(a.By)
		}
		b.WriteString(" — approved by " + strings.Join(by, ", "))
	}
	b.WriteString(".\n*Who can approve*: " + rd.approverList(r.Approvers))
	if r.SelfApproval {
		b.WriteString(" (the requester may approve their own request)")
	} else {
		b.WriteString(" (not the requester)")
	}
	return b.String() + "."
}

func (rd renderer) footer(r *approval.Request) string {
	parts := []string{"Request " + code(r.ID), "rule " + code(r.Rule)}
	if !r.ExpiresAt.IsZero() && !r.State.Final() {
		parts = append(parts, "expires "+slackDate(r.ExpiresAt))
	}
	parts = append(parts, plural(r.Recent, "request", "requests")+" for this user in the last 30 days")
	if r.AWSRequestID != "" {
		parts = append(parts, "AWS request "+code(r.AWSRequestID))
	}
	if rd.isDryRun(r) {
		parts = append(parts, "*"+dryRunMark+"*: Cognito is only read, nothing is changed")
	}
	return strings.Join(parts, " · ")
}

func (rd renderer) buttons(r *approval.Request) *slack.ActionBlock {
	approve := slack.NewButtonBlockElement(actionApprove, r.ID, plain("Approve"))
	approve.Style = slack.StylePrimary
	what := fmt.Sprintf("This lets the bot *%s* %s in *%s*", r.Action.Phrase(),
		codeWithin(approval.MaskRef(r.Target.Username), confirmRefBudget), escClip(r.Pool.Name, confirmRefBudget))
	if r.ApprovalsNeeded > 1 {
		what += " once enough approvals are in"
	}
	approve.Confirm = slack.NewConfirmationBlockObject(plain("Approve this request?"),
		mrkdwn(clipMrkdwn(what+".", maxConfirmText)), plain("Approve"), plain("Back"))
	deny := slack.NewButtonBlockElement(actionDeny, r.ID, plain("Deny"))
	deny.Style = slack.StyleDanger
	cancel := slack.NewButtonBlockElement(actionCancel, r.ID, plain("Cancel"))
	return slack.NewActionBlock("request_actions", approve, deny, cancel)
}
