package policycmd

import (
	"flag"
	"fmt"
	"strings"

	"github.com/resetbot/resetbot/internal/words"

	"github.com/resetbot/resetbot/policy"
)

// testFlags are the request `policy test` decides.
type testFlags struct {
	file                       string
	requester, action, pool    string
	groups, targetGroups       listFlag
	approver                   string
	approverGroups, approvals  listFlag
	team, enterprise, channel  string
	ticket, reason, verifiedBy string
}

func (t *testFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&t.file, "f", "", "the policy file (required)")
	fs.StringVar(&t.requester, "requester", "", "the requester's Slack user id, e.g. U0123ABCD (required)")
	fs.Var(&t.groups, "groups", "the requester's Slack user groups: ids and @handles, comma-separated")
	fs.StringVar(&t.action, "action", "", "the action: "+actionNames()+" (required)")
	fs.StringVar(&t.pool, "pool", "", "the pool name; left out, the channel's default or the only pool")
	fs.Var(&t.targetGroups, "target-groups", `the target user's Cognito groups, comma-separated ("" for none); left out, read as none`)
	fs.StringVar(&t.approver, "approver", "", "also ask whether this Slack user id may approve")
	fs.Var(&t.approverGroups, "approver-groups", "the approver's Slack user groups: ids and @handles, comma-separated")
	fs.Var(&t.approvals, "approvals", "Slack user ids who approved so far, comma-separated")
	fs.StringVar(&t.team, "team", "", "the Slack team id; left out, the first the policy allows")
	fs.StringVar(&t.enterprise, "enterprise", "", "the Slack enterprise id")
	fs.StringVar(&t.channel, "channel", "", "the Slack channel id; left out, the first the policy allows")
	fs.StringVar(&t.ticket, "ticket", "", "the ticket reference the request carries")
	fs.StringVar(&t.reason, "reason", "", "the reason the request carries")
	fs.StringVar(&t.verifiedBy, "verified-by", "", "how the user's identity was verified (an identity check of the policy)")
}

func actionNames() string {
	names := make([]string, len(policy.Actions))
	for i, a := range policy.Actions {
		names[i] = string(a)
	}
	return strings.Join(names, ", ")
}

func runTest(args []string, stdout, stderr *strings.Builder) int {
	fs := newFlags("test", "-f policy.yaml --requester U… --action ACTION [flags]", stderr)
	var t testFlags
	t.register(fs.FlagSet)
	if status, ok := parseFlags(fs, args); !ok {
		return status
	}
	action, known := policy.ParseAction(t.action)
	switch {
	case t.file == "":
		return usageError(fs, "-f names the policy file")
	case t.requester == "":
		return usageError(fs, "--requester names who asks (a Slack user id)")
	case t.action == "":
		return usageError(fs, "--action names what is asked")
	case !known:
		return usageError(fs, "unknown action %q; the actions are: %s", t.action, actionNames())
	}
	p, ok := load(t.file, stderr)
	if !ok {
		return exitBad
	}
	f := policy.Facts{
		Team: t.team, Enterprise: t.enterprise, Channel: t.channel,
		Requester: t.requester, Groups: t.groups.items, Pool: t.pool, Action: action,
		Ticket: t.ticket, Reason: t.reason, VerifiedBy: t.verifiedBy,
	}
	if t.targetGroups.set {
		f.TargetGroups = append([]string{}, t.targetGroups.items...)
	}
	assumed := assume(p, &f)
	d := p.Decide(f)
	writeRequest(stdout, f, t.targetGroups.set, assumed)
	writeDecision(stdout, p, f, d, t.targetGroups.set)
	status := exitDenied
	if d.Allowed {
		status = exitOK
	}
	if t.approver != "" {
		a := policy.Approver{User: t.approver, Groups: t.approverGroups.items}
		ok, reason := p.CanApprove(d, a, f.Requester, t.approvals.items)
		if ok {
			fmt.Fprintf(stdout, "Approver: %s may approve\n", t.approver)
		} else {
			fmt.Fprintf(stdout, "Approver: %s may not approve: %s\n", t.approver, reason)
			status = exitDenied
		}
	}
	return status
}

// assume fills in a workspace and a channel the policy allows when the command line gave none,
// and says what it assumed.
func assume(p *policy.Policy, f *policy.Facts) []string {
	var notes []string
	teams, enterprise := p.Workspace()
	switch {
	case f.Team != "" || f.Enterprise != "":
	case len(teams) > 0:
		f.Team = teams[0]
		notes = append(notes, "workspace "+f.Team)
	case enterprise != "":
		f.Enterprise = enterprise
		notes = append(notes, "enterprise "+f.Enterprise)
	}
	if ids, defaults := p.Channels(); f.Channel == "" && len(ids) > 0 {
		f.Channel = ids[0]
		note := "channel " + f.Channel
		if pool := defaults[f.Channel]; pool != "" && f.Pool == "" {
			note += " (default pool " + pool + ")"
		}
		notes = append(notes, note)
	}
	return notes
}

func writeRequest(w *strings.Builder, f policy.Facts, targetKnown bool, assumed []string) {
	pool := "the default pool"
	if f.Pool != "" {
		pool = "pool " + f.Pool
	}
	who := f.Requester
	if len(f.Groups) > 0 {
		who += " (in " + strings.Join(f.Groups, ", ") + ")"
	}
	target := "a user in no group"
	switch {
	case !targetKnown:
		target = "a user whose groups were not given"
	case len(f.TargetGroups) > 0:
		target = "a user in " + strings.Join(f.TargetGroups, ", ")
	}
	fmt.Fprintf(w, "Request:  %s asks for %s in %s, for %s\n", who, f.Action, pool, target)
	if len(assumed) > 0 {
		fmt.Fprintf(w, "Assumed:  %s: not given, the first the policy allows\n", words.And(assumed))
	}
}

func writeDecision(w *strings.Builder, p *policy.Policy, f policy.Facts, d policy.Decision, targetKnown bool) {
	verdict := "DENIED"
	if d.Allowed {
		verdict = "ALLOWED"
	}
	if d.Rule != "" {
		verdict += fmt.Sprintf(" by rule %q", d.Rule)
		if line := ruleLine(p, d.Rule); line > 0 {
			verdict += fmt.Sprintf(" (line %d)", line)
		}
	}
	fmt.Fprintf(w, "Decision: %s\n", verdict)
	if d.Reason != "" {
		fmt.Fprintf(w, "Reason:   %s\n", d.Reason)
	}
	if d.Pool.Name != "" {
		fmt.Fprintf(w, "Pool:     %s is %s in %s\n", d.Pool.Name, d.Pool.ID, d.Pool.Region)
	}
	if d.Allowed || len(d.Missing) > 0 {
		given := map[string]bool{"ticket": true, "reason": true, "verified_by": true}
		for _, m := range d.Missing {
			given[m] = false
		}
		fmt.Fprintln(w, "Terms:")
		writeTerms(w, "  ", terms{
			actions: []policy.Action{d.Action}, approvals: d.Approvals, approvers: d.Approvers, self: d.SelfApproval,
			expires: d.ExpiresAfter, remind: d.RemindAfter, requires: d.Requires, limits: d.Limits,
			given: given, showGiven: true,
		})
	}
	if d.DependsOnTarget && !targetKnown {
		fmt.Fprintln(w, "Note:     a rule on the target's Cognito groups was weighed, and --target-groups was not given;")
		fmt.Fprintln(w, "          the user was taken to be in no group. The bot decides with the user's real groups.")
	}
}

func ruleLine(p *policy.Policy, name string) int {
	for _, r := range p.Rules() {
		if r.Name == name {
			return r.Line
		}
	}
	return 0
}
