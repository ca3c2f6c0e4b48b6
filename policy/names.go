package policy

import "strings"

// ActionNames lists every action, for messages: "status, history, reset, ...".
func ActionNames() string {
	return JoinNames(Actions, func(a Action) string { return string(a) }, "")
}

// PoolNames lists the pools by name, for messages.
func PoolNames(pools []Pool) string {
	return JoinNames(pools, func(p Pool) string { return p.Name }, "(none are defined)")
}

// JoinNames lists items by name, for messages: "a, b, c", or none when there are no items.
func JoinNames[T any](items []T, name func(T) string, none string) string {
	if len(items) == 0 {
		return none
	}
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = name(it)
	}
	return strings.Join(names, ", ")
}
