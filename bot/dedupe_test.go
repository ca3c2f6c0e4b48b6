package bot

import (
	"fmt"
	"testing"
)

func TestSeenEnvelopes(t *testing.T) {
	s := newSeenEnvelopes(3)
	for _, step := range []struct {
		id    string
		first bool
	}{
		{"a", true}, {"a", false}, {"b", true}, {"c", true}, {"b", false},
		{"d", true}, // forgets a, the oldest
		{"a", true}, {"c", false}, {"d", false},
	} {
		if got := s.first(step.id); got != step.first {
			t.Errorf("first(%q) = %v, want %v", step.id, got, step.first)
		}
	}
	if len(s.ids) != 3 {
		t.Errorf("remembers %d ids, want 3", len(s.ids))
	}
	for i := range 10 * seenEnvelopesSize {
		s.first(fmt.Sprint(i))
	}
	if len(s.ids) != 3 {
		t.Errorf("remembers %d ids after many, want 3", len(s.ids))
	}
}
