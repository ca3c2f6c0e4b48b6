package slackhttp

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"testing"
)

// FuzzDropEcho: whatever Slack answers, dropEcho passes it on whole or, for a JSON object
// with a "message", with only that member taken out.
func FuzzDropEcho(f *testing.F) {
	f.Add([]byte(`{"ok":true,"channel":"C1","ts":"1.2","message":{"blocks":[]}}`))
	f.Add([]byte(`{"ok":false,"error":"not_in_channel"}`))
	f.Add([]byte(`[1,2]`))
	f.Add([]byte(`not json`))
	f.Add([]byte(` { "message" : "a" , "ok" : true } `))
	f.Add([]byte(`{"mess\u0061ge":{"x":"}]\""},"ok":true,"message":[1,{"a":"b"}],"ts":"1.2"}`))
	f.Add([]byte(`{"ok":true,"inner":{"message":1},"message":null}`))
	f.Add([]byte(`{"message":1}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		resp := &http.Response{Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body))}
		if err := dropEcho(resp); err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		var in map[string]any
		if json.Unmarshal(body, &in) != nil {
			if !bytes.Equal(got, body) {
				t.Fatalf("an answer that is not a JSON object changed: %q → %q", body, got)
			}
			return
		}
		if _, ok := in["message"]; !ok && !bytes.Equal(got, body) {
			t.Fatalf("an answer with no message changed: %q → %q", body, got)
		}
		delete(in, "message")
		var out map[string]any
		if err := json.Unmarshal(got, &out); err != nil {
			t.Fatalf("the answer is no longer JSON: %v", err)
		}
		if !reflect.DeepEqual(in, out) {
			t.Fatalf("fields changed: %v → %v", in, out)
		}
	})
}
