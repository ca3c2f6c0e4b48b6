package slacktest

import (
	"encoding/json"
	"testing"
)

func FuzzParseTS(f *testing.F) {
	for _, s := range []string{"1700000000.000100", "1700000000", "1.5", "", "-1.0", "1.2.3", "+1.000001", "1.1234567"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		us, ok := parseTS(s)
		if !ok {
			return
		}
		if us < 0 {
			t.Errorf("parseTS(%q) = %d, negative", s, us)
		}
	})
}

func FuzzParseMetadata(f *testing.F) {
	for _, s := range []string{`{"event_type":"resetbot_request","event_payload":{"request_id":"r-1"}}`, `{}`, `[]`, `null`,
		`{"event_type":"a b","event_payload":{}}`, `{"event_type":"x","event_payload":[]}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parseMetadata(json.RawMessage(s))
		if err != nil {
			return
		}
		var obj map[string]any
		if json.Unmarshal(m.EventPayload, &obj) != nil || obj == nil {
			t.Errorf("parseMetadata(%q) took a payload that is not an object: %s", s, m.EventPayload)
		}
		if !eventTypePattern.MatchString(m.EventType) {
			t.Errorf("parseMetadata(%q) took event_type %q", s, m.EventType)
		}
	})
}
