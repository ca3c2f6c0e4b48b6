package slackhttp

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"testing"
)

// FuzzDropEcho: whatever Slack answers, dropEcho passes it on whole or, for a JSON object,
// with only its "message" taken out.
func FuzzDropEcho(f *testing.F) {
	f.Add([]byte(`{"ok":true,"channel":"C1","ts":"1.2","message":{"blocks":[]}}`))
	f.Add([]byte(`{"ok":false,"error":"not_in_channel"}`))
	f.Add([]byte(`[1,2]`))
	f.Add([]byte(`not json`))
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
