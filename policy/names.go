package policy

import "strings"

// ActionNames lists every action, for messages: "status, history, reset, ...".
func ActionNames() string {
	names := make([]string, len(Actions))
	for i, a := range Actions {
		names[i] = string(a)
	}
	return strings.Join(names, ", ")
}

// PoolNames lists the pools by name, for messages.
func PoolNames(pools []Pool) string {
	if len(pools) == 0 {
		return "(none are defined)"
	}
	names := make([]string, len(pools))
	for i, pl := range pools {
		names[i] = pl.Name
	}
	return strings.Join(names, ", ")
}
