package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/resetbot/resetbot/policy"
	"github.com/resetbot/resetbot/policy/policyfile"
)

// checkPolicy loads the policy file, as serve does, and keeps its pools for the pool checks.
func (p *preflight) checkPolicy(context.Context) checkResult {
	name := "Policy file " + p.cfg.PolicyFile
	pol, err := policyfile.Load(p.cfg.PolicyFile)
	if err != nil {
		return misconfigured(name, problem{err.Error(),
			"correct what is named above; `resetbot policy check -f " + p.cfg.PolicyFile + "` checks the file alone, and deploy/policy.example.yaml shows every field"})
	}
	// The pools are checked even when the workspace is wrong: that is fixed in the policy
	// file, and the pools' problems are best known at the same time.
	p.policyRead, p.pools = true, pol.Pools()
	if pr, ok := p.workspaceProblem(pol); !ok {
		return misconfigured(name, pr)
	}
	names := make([]string, 0, len(p.pools))
	for _, pool := range p.pools {
		names = append(names, pool.Name)
	}
	detail := fmt.Sprintf("valid: %d rules, pools %s", len(pol.Rules()), strings.Join(names, ", "))
	if teams, enterprise := pol.Workspace(); p.team.ID == "" && (len(teams) > 0 || enterprise != "") {
		detail += "\nthe workspace it allows is not compared with the bot's: the Slack bot token check did not pass"
	}
	for _, w := range policyfile.Lint(pol) {
		detail += "\nwarning: " + w.String()
	}
	return pass(name, "%s", detail)
}

// workspaceProblem reports a policy that allows workspaces the bot token is not installed in:
// every request would be refused.
func (p *preflight) workspaceProblem(pol *policy.Policy) (problem, bool) {
	teams, enterprise := pol.Workspace()
	if p.team.ID == "" || (len(teams) == 0 && enterprise == "") {
		return problem{}, true
	}
	if slices.Contains(teams, p.team.ID) || (enterprise != "" && enterprise == p.team.Enterprise) {
		return problem{}, true
	}
	allowed := strings.Join(teams, ", ")
	if enterprise != "" {
		allowed = strings.TrimPrefix(allowed+", enterprise "+enterprise, ", ")
	}
	return problem{
		fmt.Sprintf("the policy allows the workspace %s, but the bot is installed in %s (%s): every request there would be refused", allowed, p.team.Name, p.team.ID),
		fmt.Sprintf("add %s under workspace.teams in the policy file, or install the app in the workspace the policy names", p.team.ID),
	}, false
}
