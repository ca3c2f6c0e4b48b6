package policy

// Permitted lists, pool by pool, the actions the person in f may ask for: what the bot's help
// and modal offer. The target is not known yet, so an action counts when a rule could allow it
// for some target user; f.Pool, f.Action and f.TargetGroups are ignored, and what a request
// must carry (ticket, reason, identity check) is asked for later. Decide has the final word.
// Pools with no permitted action are left out; actions are in the order of Actions.
func (p *Policy) Permitted(f Facts) map[string][]Action {
	out := map[string][]Action{}
	var d Decision
	if !p.checkWorkspace(f, &d) || !p.checkChannel(f, &d) {
		return out
	}
	for _, pool := range p.pools {
		for _, a := range Actions {
			f.Action = a
			if m := p.match(f, pool.Name, true); m.rule != nil && !m.rule.Deny {
				out[pool.Name] = append(out[pool.Name], a)
			}
		}
	}
	return out
}
