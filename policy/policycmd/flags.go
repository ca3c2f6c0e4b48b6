package policycmd

import "strings"

// listFlag is a comma-separated list flag; set reports whether it was given at all, so that
// --target-groups "" (in no group) differs from leaving it out (not known).
type listFlag struct {
	items []string
	set   bool
}

func (l *listFlag) String() string { return strings.Join(l.items, ",") }

func (l *listFlag) Set(s string) error {
	l.set = true
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			l.items = append(l.items, item)
		}
	}
	return nil
}
