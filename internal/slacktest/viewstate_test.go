package slacktest

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const modalBlocks = `[
 {"type":"input","block_id":"target","label":{"type":"plain_text","text":"User"},
  "element":{"type":"plain_text_input","action_id":"target_input"}},
 {"type":"input","block_id":"pool","label":{"type":"plain_text","text":"Pool"},
  "element":{"type":"static_select","action_id":"pool_select","initial_option":{"text":{"type":"plain_text","text":"Prod"},"value":"prod"},
   "options":[{"text":{"type":"plain_text","text":"Prod"},"value":"prod"},{"text":{"type":"plain_text","text":"Stage"},"value":"stage"}]}},
 {"type":"input","block_id":"signout","optional":true,"label":{"type":"plain_text","text":"Also"},
  "element":{"type":"checkboxes","action_id":"signout_box","options":[{"text":{"type":"plain_text","text":"Sign out"},"value":"signout"}]}},
 {"type":"input","block_id":"approver","optional":true,"label":{"type":"plain_text","text":"Approver"},
  "element":{"type":"users_select","action_id":"approver_user"}},
 {"type":"input","block_id":"reason","optional":true,"label":{"type":"plain_text","text":"Reason"},
  "element":{"type":"plain_text_input","action_id":"reason_input","initial_value":"locked out","min_length":3,"max_length":20}},
 {"type":"section","block_id":"help","text":{"type":"mrkdwn","text":"help"}}
]`

func TestViewState(t *testing.T) {
	prod := map[string]any{"text": map[string]any{"type": "plain_text", "text": "Prod"}, "value": "prod"}
	stage := map[string]any{"text": map[string]any{"type": "plain_text", "text": "Stage"}, "value": "stage"}
	signout := map[string]any{"text": map[string]any{"type": "plain_text", "text": "Sign out"}, "value": "signout"}
	tests := []struct {
		name    string
		values  map[string]string
		want    map[string]map[string]any
		wantErr error
	}{
		{
			name:   "initial values kept",
			values: map[string]string{"target": "u-1"},
			want: map[string]map[string]any{
				"target":   {"target_input": map[string]any{"type": "plain_text_input", "value": "u-1"}},
				"pool":     {"pool_select": map[string]any{"type": "static_select", "selected_option": prod}},
				"signout":  {"signout_box": map[string]any{"type": "checkboxes", "selected_options": []any{}}},
				"approver": {"approver_user": map[string]any{"type": "users_select", "selected_user": nil}},
				"reason":   {"reason_input": map[string]any{"type": "plain_text_input", "value": "locked out"}},
			},
		},
		{
			name:   "everything given, by block or action id",
			values: map[string]string{"target_input": "u-2", "pool": "stage", "signout": "signout", "approver_user": "U1", "reason": ""},
			want: map[string]map[string]any{
				"target":   {"target_input": map[string]any{"type": "plain_text_input", "value": "u-2"}},
				"pool":     {"pool_select": map[string]any{"type": "static_select", "selected_option": stage}},
				"signout":  {"signout_box": map[string]any{"type": "checkboxes", "selected_options": []any{signout}}},
				"approver": {"approver_user": map[string]any{"type": "users_select", "selected_user": "U1"}},
				"reason":   {"reason_input": map[string]any{"type": "plain_text_input", "value": nil}},
			},
		},
		{name: "required left empty", values: map[string]string{}, wantErr: ErrInvalidInput},
		{name: "option not offered", values: map[string]string{"target": "u", "pool": "dev"}, wantErr: ErrInvalidInput},
		{name: "no such input", values: map[string]string{"target": "u", "help": "x"}, wantErr: ErrInvalidInput},
		{name: "longer than max_length", values: map[string]string{"target": "u", "reason": "locked out of the account"}, wantErr: ErrInvalidInput},
		{name: "shorter than min_length", values: map[string]string{"target": "u", "reason": "no"}, wantErr: ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := viewState(json.RawMessage(modalBlocks), tt.values)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			// Compare as Slack would send it: through JSON.
			var gotJSON map[string]map[string]any
			b, _ := json.Marshal(got)
			_ = json.Unmarshal(b, &gotJSON)
			if diff := cmp.Diff(tt.want, gotJSON); diff != "" {
				t.Errorf("state.values (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzViewState(f *testing.F) {
	f.Add(modalBlocks, "target", "u-1")
	f.Add(`[{"type":"input","block_id":"b","element":{"type":"multi_static_select","action_id":"a","options":[]}}]`, "b", "x,y")
	f.Fuzz(func(t *testing.T, blocks, key, value string) {
		state, err := viewState(json.RawMessage(blocks), map[string]string{key: value})
		if err != nil {
			return
		}
		if _, err := json.Marshal(state); err != nil {
			t.Errorf("state does not encode: %v", err)
		}
	})
}
