package slacktest

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
)

// History's page sizes: Slack's default, and the most it returns at once.
const (
	defaultHistoryLimit = 100
	maxHistoryLimit     = 999
)

// cursorPrefix starts a conversations.history cursor (base64 of "next_ts:" and the ts of the
// first message of the next page, digits only), as Slack's cursors do.
const cursorPrefix = "next_ts:"

// conversationsHistory lists a conversation's messages, newest first, as Slack does: the
// messages of the conversation itself (a thread's replies are not listed, its parent is), after
// oldest and before latest (both themselves too when inclusive), at most limit of them, and a
// cursor for the next page while there are more. Metadata is returned only with
// include_all_metadata. The bot must be in the conversation and have its history scope.
func (s *Server) conversationsHistory(a args) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.writableLocked(a.str("channel"))
	if err != nil {
		return nil, err
	}
	if err := s.needScopeLocked(historyScope(c)); err != nil {
		return nil, err
	}
	var ok bool
	latest := int64(-1)
	if a.str("latest") != "" {
		if latest, ok = parseTS(a.str("latest")); !ok {
			return nil, slackError("invalid_ts_latest")
		}
	}
	oldest := int64(0)
	if a.str("oldest") != "" {
		if oldest, ok = parseTS(a.str("oldest")); !ok {
			return nil, slackError("invalid_ts_oldest")
		}
	}
	from := int64(-1) // the cursor: the page starts at this ts and goes back
	if cur := a.str("cursor"); cur != "" {
		if from, ok = parseCursor(cur); !ok {
			return nil, slackError("invalid_cursor")
		}
	}
	limit := defaultHistoryLimit
	if n, err := strconv.Atoi(a.str("limit")); err == nil && n > 0 {
		limit = min(n, maxHistoryLimit)
	}
	inclusive, withMeta := a.bool("inclusive"), a.bool("include_all_metadata")
	list := s.messages[c.ID]
	var out []map[string]any
	next := ""
	for i := len(list) - 1; i >= 0; i-- {
		m := list[i]
		ts, _ := parseTS(m.TS)
		if m.isReply() || (from >= 0 && ts > from) || !after(ts, oldest, inclusive) || (latest >= 0 && !before(ts, latest, inclusive)) {
			continue
		}
		if len(out) == limit {
			next = base64.StdEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(ts, 10)))
			break
		}
		if withMeta {
			out = append(out, m.jsonWithMetadata(s.cfg.teamID))
		} else {
			out = append(out, m.json(s.cfg.teamID))
		}
	}
	res := map[string]any{"messages": nonNil(out), "has_more": next != "", "pin_count": 0,
		"channel_actions_ts": nil, "channel_actions_count": 0}
	if next != "" {
		res["response_metadata"] = map[string]any{"next_cursor": next}
	}
	return res, nil
}

func after(ts, oldest int64, inclusive bool) bool {
	return ts > oldest || (inclusive && ts == oldest)
}

func before(ts, latest int64, inclusive bool) bool {
	return ts < latest || (inclusive && ts == latest)
}

// parseTS reads a message timestamp ("1700000000.000100", or whole seconds) as microseconds.
func parseTS(ts string) (int64, bool) {
	sec, frac, _ := strings.Cut(strings.TrimSpace(ts), ".")
	if !digitsOnly(sec) || len(frac) > 6 || (frac != "" && !digitsOnly(frac)) {
		return 0, false
	}
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s > math.MaxInt64/1_000_000-1 {
		return 0, false
	}
	var us int64
	if frac != "" {
		if us, err = strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64); err != nil {
			return 0, false
		}
	}
	return s*1_000_000 + us, true
}

// digitsOnly reports whether s is one or more decimal digits.
func digitsOnly(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// parseCursor reads a cursor conversationsHistory handed out.
func parseCursor(cur string) (int64, bool) {
	b, err := base64.StdEncoding.DecodeString(cur)
	if err != nil {
		return 0, false
	}
	digits, ok := strings.CutPrefix(string(b), cursorPrefix)
	if !ok || !digitsOnly(digits) {
		return 0, false
	}
	ts, err := strconv.ParseInt(digits, 10, 64)
	return ts, err == nil && ts >= 0
}
