package slacktest

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseAck(t *testing.T) {
	tests := []struct {
		name        string
		frame       string
		wantID      string
		wantPayload string
		wantErr     bool
	}{
		{name: "slack-go without payload", frame: `{"envelope_id":"e1"}`, wantID: "e1"},
		{name: "node's empty payload", frame: `{"envelope_id":"e1","payload":{}}`, wantID: "e1"},
		{name: "null payload", frame: `{"envelope_id":"e1","payload":null}`, wantID: "e1"},
		{name: "reply", frame: `{"envelope_id":"e1","payload":{"text":"hi"}}`, wantID: "e1", wantPayload: `{"text":"hi"}`},
		{name: "no envelope id", frame: `{"payload":{"text":"hi"}}`, wantErr: true},
		{name: "not json", frame: `ack`, wantErr: true},
		{name: "not an object", frame: `["e1"]`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, payload, err := parseAck([]byte(tt.frame))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.wantID+"|"+tt.wantPayload, id+"|"+string(payload)); diff != "" {
				t.Errorf("id|payload (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAckAccessors(t *testing.T) {
	a := Ack{Payload: json.RawMessage(`{"response_action":"errors","errors":{"target":"Unknown user"},"text":"t"}`)}
	if a.ResponseAction() != "errors" || a.Text() != "t" || !cmp.Equal(a.Errors(), map[string]string{"target": "Unknown user"}) {
		t.Errorf("accessors = %q %q %v", a.ResponseAction(), a.Text(), a.Errors())
	}
	var v struct {
		Errors map[string]string `json:"errors"`
	}
	if err := a.Decode(&v); err != nil || v.Errors["target"] != "Unknown user" {
		t.Errorf("Decode = %v, %+v", err, v)
	}
	if err := (Ack{}).Decode(&v); err == nil {
		t.Error("Decode of an ack without payload succeeded")
	}
}

func FuzzParseAck(f *testing.F) {
	f.Add(`{"envelope_id":"e1","payload":{"text":"hi"}}`)
	f.Add(`{"envelope_id":"e1","payload":{}}`)
	f.Add(`{"envelope_id":"","payload":[1]}`)
	f.Fuzz(func(t *testing.T, frame string) {
		id, payload, err := parseAck([]byte(frame))
		if err != nil {
			return
		}
		if id == "" {
			t.Errorf("accepted an ack without envelope_id: %q", frame)
		}
		if payload != nil && !json.Valid(payload) {
			t.Errorf("payload %q is not JSON", payload)
		}
		_ = Ack{Payload: payload}.reply()
	})
}
