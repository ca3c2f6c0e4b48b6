package words

import "testing"

func TestLists(t *testing.T) {
	for _, tt := range []struct {
		items   []string
		or, and string
	}{
		{nil, "", ""},
		{[]string{"a"}, "a", "a"},
		{[]string{"a", "b"}, "a or b", "a and b"},
		{[]string{"a", "b", "c"}, "a, b or c", "a, b and c"},
	} {
		if got := Or(tt.items); got != tt.or {
			t.Errorf("Or(%q) = %q, want %q", tt.items, got, tt.or)
		}
		if got := And(tt.items); got != tt.and {
			t.Errorf("And(%q) = %q, want %q", tt.items, got, tt.and)
		}
	}
}
