package bot

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// parsed is what a test compares of a parsed frame.
type parsed struct {
	Type, ID, Reason, AppID string
	Accepts                 bool
	Retry                   int
	Payload                 string
}

func parsedOf(env *envelope) parsed {
	return parsed{Type: env.Type, ID: env.ID, Reason: env.Reason, AppID: env.ConnectionInfo.AppID,
		Accepts: env.Accepts, Retry: env.RetryAttempt, Payload: string(env.Payload)}
}

func TestParseEnvelope(t *testing.T) {
	huge := `{"type":"interactive","envelope_id":"e-huge","accepts_response_payload":false,"payload":{"blocks":"` +
		strings.Repeat("x", 1<<20) + `"}}`
	tests := []struct {
		name  string
		frame string
		want  parsed
		bad   bool // the frame is refused
	}{
		{name: "hello", frame: `{"type":"hello","num_connections":1,"connection_info":{"app_id":"A1"},"debug_info":{"host":"h"}}`,
			want: parsed{Type: frameHello, AppID: "A1"}},
		{name: "disconnect", frame: `{"type":"disconnect","reason":"refresh_requested","debug_info":{"host":"h"}}`,
			want: parsed{Type: frameDisconnect, Reason: "refresh_requested"}},
		{name: "slash command", frame: `{"envelope_id":"e1","type":"slash_commands","accepts_response_payload":true,"payload":{"command":"/cognito"}}`,
			want: parsed{Type: envelopeSlashCommands, ID: "e1", Accepts: true, Payload: `{"command":"/cognito"}`}},
		{name: "redelivered event", frame: `{"envelope_id":"e2","type":"events_api","payload":{},"retry_attempt":2,"retry_reason":"timeout"}`,
			want: parsed{Type: envelopeEventsAPI, ID: "e2", Retry: 2, Payload: `{}`}},
		{name: "unknown type with an id", frame: `{"envelope_id":"e3","type":"something_new","payload":[1,2]}`,
			want: parsed{Type: "something_new", ID: "e3", Payload: `[1,2]`}},
		{name: "huge payload kept whole", frame: huge,
			want: parsed{Type: envelopeInteractive, ID: "e-huge", Payload: huge[strings.Index(huge, `{"blocks"`) : len(huge)-1]}},
		{name: "unknown fields ignored", frame: `{"type":"hello","extra":{"deep":[{"x":"}"}]}}`, want: parsed{Type: frameHello}},

		{name: "empty", frame: ``, bad: true},
		{name: "not JSON", frame: `hello`, bad: true},
		{name: "null", frame: `null`, bad: true},
		{name: "an array", frame: `[{"type":"hello"}]`, bad: true},
		{name: "a string", frame: `"hello"`, bad: true},
		{name: "truncated", frame: `{"envelope_id":"e4","type":"slash_commands","payload":{"command":"/co`, bad: true},
		{name: "two objects", frame: `{"type":"hello"}{"type":"hello"}`, bad: true},
		{name: "no type", frame: `{"envelope_id":"e5","payload":{}}`, want: parsed{ID: "e5", Payload: `{}`}, bad: true},
		{name: "missing envelope_id", frame: `{"type":"slash_commands","payload":{}}`,
			want: parsed{Type: envelopeSlashCommands, Payload: `{}`}, bad: true},
		{name: "empty envelope_id", frame: `{"type":"interactive","envelope_id":"","payload":{}}`,
			want: parsed{Type: envelopeInteractive, Payload: `{}`}, bad: true},
		{name: "envelope_id a number", frame: `{"type":"interactive","envelope_id":5,"payload":{}}`,
			want: parsed{Type: envelopeInteractive, Payload: `{}`}, bad: true},
		{name: "type a number, id kept for the ack", frame: `{"type":7,"envelope_id":"e6"}`,
			want: parsed{ID: "e6"}, bad: true},
		{name: "accepts a string, id kept for the ack", frame: `{"type":"slash_commands","envelope_id":"e7","accepts_response_payload":"yes"}`,
			want: parsed{Type: envelopeSlashCommands, ID: "e7"}, bad: true},
		{name: "retry_attempt a string", frame: `{"type":"events_api","envelope_id":"e8","retry_attempt":"2"}`,
			want: parsed{Type: envelopeEventsAPI, ID: "e8"}, bad: true},
		{name: "invalid UTF-8 and escapes", frame: "{\"type\":\"hello\",\"reason\":\"\xff\\u0000\"}",
			want: parsed{Type: frameHello, Reason: "\ufffd\x00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := parseEnvelope([]byte(tt.frame))
			if (err != nil) != tt.bad {
				t.Fatalf("parseEnvelope error = %v, want refused: %v", err, tt.bad)
			}
			if err != nil && !errors.Is(err, errFrame) {
				t.Errorf("error %v is not errFrame", err)
			}
			if diff := cmp.Diff(parsedOf(env), tt.want, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("parsed (-got +want):\n%s", diff)
			}
		})
	}
}

func TestEncodeAck(t *testing.T) {
	got, err := encodeAck("e1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"envelope_id":"e1"}`; string(got) != want {
		t.Errorf("empty ack = %s, want %s", got, want)
	}
	got, err = encodeAck(`e"<2>`, map[string]string{"text": "hi"})
	if err != nil {
		t.Fatal(err)
	}
	var back ackFrame
	if err := json.Unmarshal(got, &back); err != nil || back.EnvelopeID != `e"<2>` {
		t.Errorf("ack %s read back as %+v, %v", got, back, err)
	}
	if _, err := encodeAck("e1", map[string]string{"text": strings.Repeat("x", maxAckSize)}); err == nil {
		t.Error("an ack Slack would drop for its size: no error")
	}
}

// decoded is a payload's value; nil for none.
func decoded(t *testing.T, raw json.RawMessage) any {
	t.Helper()
	if len(raw) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("payload %q: %v", raw, err)
	}
	return v
}

// FuzzEnvelope holds parseEnvelope to encoding/json: it never panics, refuses what is not a
// JSON object, never lets an envelope through without an id, and what it accepts reads
// back the same once written out again.
func FuzzEnvelope(f *testing.F) {
	for _, s := range []string{
		`{"type":"hello","connection_info":{"app_id":"A1"}}`,
		`{"type":"disconnect","reason":"warning"}`,
		`{"envelope_id":"e1","type":"slash_commands","accepts_response_payload":true,"payload":{"command":"/cognito","text":"help"}}`,
		`{"envelope_id":"e2","type":"events_api","payload":{"event":{"type":"app_home_opened"}},"retry_attempt":1,"retry_reason":"timeout"}`,
		`{"envelope_id":"e3","type":"interactive","payload":{"type":"block_actions","actions":[{"action_id":"approve","value":"r-1"}]}}`,
		`{"type":7,"envelope_id":"e4"}`,
		`{"type":"interactive","payload":{}}`,
		`null`, `[]`, `{`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		env, err := parseEnvelope(frame)
		if env == nil {
			t.Fatal("nil envelope")
		}
		if err != nil {
			if !errors.Is(err, errFrame) {
				t.Fatalf("error %v is not errFrame", err)
			}
			if env.ID != "" && !json.Valid(frame) {
				t.Fatalf("an id %q read from a frame that is not JSON", env.ID)
			}
			return
		}
		if !json.Valid(frame) {
			t.Fatalf("accepted a frame that is not JSON: %q", frame)
		}
		if env.Type == "" {
			t.Fatal("accepted a frame without a type")
		}
		if env.Type != frameHello && env.Type != frameDisconnect && env.ID == "" {
			t.Fatalf("accepted a %s without an envelope_id", env.Type)
		}
		again, err := json.Marshal(env)
		if err != nil {
			t.Fatalf("writing the envelope out: %v", err)
		}
		back, err := parseEnvelope(again)
		if err != nil {
			t.Fatalf("the envelope written out is refused: %v\n%s", err, again)
		}
		got, want := parsedOf(back), parsedOf(env)
		got.Payload, want.Payload = "", ""
		if diff := cmp.Diff(got, want, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("read back (-got +want):\n%s", diff)
		}
		// Writing a payload out compacts it and escapes HTML: compare what it says.
		if diff := cmp.Diff(decoded(t, back.Payload), decoded(t, env.Payload)); diff != "" {
			t.Fatalf("payload read back (-got +want):\n%s", diff)
		}
		if _, err := encodeAck(env.ID, nil); err != nil && len(env.ID) < maxAckSize/2 {
			t.Fatalf("encodeAck(%q): %v", env.ID, err)
		}
	})
}
