package bot

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Slack's limits on the text objects the bot renders, in characters. Slack refuses a whole
// message or modal when one text is over its limit, so every text is made to fit: what
// people typed or the policy says is clipped or spread over several blocks before it is
// escaped, and each block's text is clipped as a last resort.
const (
	maxSectionText = 3000 // a section's text, and a context block's text element
	maxFieldText   = 2000 // each of a section's fields
	maxConfirmText = 300  // a confirm dialog's text
	maxOptions     = 100  // a static select's options
)

// Budgets the renderer keeps within those limits.
const (
	// listBudget bounds a list of lines (history, pools, identity checks) inside one section.
	listBudget = 2600
	// groupsBudget bounds the target's Cognito groups inside one field.
	groupsBudget = 1200
	// refBudget bounds a typed user reference or a username inside a field or a sentence.
	refBudget = 300
	// confirmRefBudget bounds the username and the pool inside a confirm dialog's text.
	confirmRefBudget = 100
)

// clipMrkdwn shortens mrkdwn text to at most n characters, ending it with "…". It does not cut
// an entity (&amp;) or a <…> token (a mention, a link, a date) in two.
func clipMrkdwn(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	cut := n - 1
	openAngle, openAmp := -1, -1
	for i := range cut {
		switch rs[i] {
		case '<':
			openAngle = i
		case '>':
			openAngle = -1
		case '&':
			openAmp = i
		case ';':
			openAmp = -1
		}
	}
	if openAngle >= 0 {
		cut = openAngle
	}
	if openAmp >= 0 && openAmp < cut && cut-openAmp < len("&amp;") {
		cut = openAmp
	}
	return strings.TrimRightFunc(string(rs[:cut]), unicode.IsSpace) + "…"
}

// escLen is the length of r once escaped for mrkdwn.
func escLen(r rune) int {
	switch r {
	case '&':
		return len("&amp;")
	case '<', '>':
		return len("&lt;")
	}
	return 1
}

// escClip escapes s for mrkdwn and keeps the result within n characters, ending a shortened
// one with "…".
func escClip(s string, n int) string {
	total := 0
	for _, r := range s {
		total += escLen(r)
	}
	if total <= n {
		return esc(s)
	}
	var b strings.Builder
	used := 0
	for _, r := range s {
		if used+escLen(r) > n-1 {
			break
		}
		used += escLen(r)
		b.WriteRune(r)
	}
	return esc(b.String()) + "…"
}

// escChunks escapes s for mrkdwn and splits it into pieces of at most n characters each,
// breaking at white space where it can, so that a long text can be spread over several
// blocks without losing a word of it.
func escChunks(s string, n int) []string {
	var out []string
	rs := []rune(s)
	for len(rs) > 0 {
		used, end, lastSpace := 0, 0, -1
		for end < len(rs) && used+escLen(rs[end]) <= n {
			if unicode.IsSpace(rs[end]) {
				lastSpace = end
			}
			used += escLen(rs[end])
			end++
		}
		if end < len(rs) && lastSpace > end/2 {
			end = lastSpace + 1
		}
		if piece := strings.TrimSpace(string(rs[:end])); piece != "" {
			out = append(out, esc(piece))
		}
		rs = rs[end:]
	}
	return out
}

// joinWithin joins lines, each after a newline, for as long as the result stays within
// budget characters, and then says how many of the total items the lines stand for were
// left out.
func joinWithin(lines []string, budget, total int) string {
	var b strings.Builder
	used, shown := 0, 0
	for _, l := range lines {
		n := utf8.RuneCountInString(l) + 1
		if used+n > budget {
			break
		}
		used += n
		shown++
		b.WriteString("\n" + l)
	}
	if shown < total {
		fmt.Fprintf(&b, "\n…and %d more.", total-shown)
	}
	return b.String()
}
