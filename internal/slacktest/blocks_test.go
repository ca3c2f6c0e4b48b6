package slacktest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalizeBlocks(t *testing.T) {
	long := strings.Repeat("a", 3001)
	tests := []struct {
		name      string
		surface   surface
		blocks    string
		wantFmt   bool
		wantProbs []string
	}{
		{name: "card", blocks: `[{"type":"section","text":{"type":"mrkdwn","text":"*hi*"}},
			{"type":"actions","block_id":"d","elements":[{"type":"button","text":{"type":"plain_text","text":"Approve"},"action_id":"approve","value":"r1","style":"primary"}]}]`},
		{name: "context and header", blocks: `[{"type":"header","text":{"type":"plain_text","text":"Reset"}},
			{"type":"context","elements":[{"type":"mrkdwn","text":"by alice"},{"type":"image","image_url":"https://x/y.png","alt_text":"a"}]},{"type":"divider"}]`},
		{name: "modal inputs", surface: surfaceModal, blocks: `[{"type":"input","label":{"type":"plain_text","text":"User"},
			"element":{"type":"plain_text_input"}},{"type":"input","label":{"type":"plain_text","text":"Pool"},
			"element":{"type":"static_select","options":[{"text":{"type":"plain_text","text":"Prod"},"value":"prod"}]}}]`},
		{name: "not an array", blocks: `{"type":"divider"}`, wantFmt: true},
		{name: "not objects", blocks: `["divider"]`, wantFmt: true},
		{name: "trailing data", blocks: `[] []`, wantFmt: true},
		{name: "section text too long", blocks: `[{"type":"section","text":{"type":"mrkdwn","text":"` + long + `"}}]`,
			wantProbs: []string{"[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"}},
		{name: "header in mrkdwn", blocks: `[{"type":"header","text":{"type":"mrkdwn","text":"x"}}]`,
			wantProbs: []string{"[ERROR] must be plain_text [json-pointer:/blocks/0/text/type]"}},
		{name: "empty section", blocks: `[{"type":"section"}]`,
			wantProbs: []string{"[ERROR] must provide text or fields [json-pointer:/blocks/0]"}},
		{name: "bad style", blocks: `[{"type":"actions","elements":[{"type":"button","text":{"type":"plain_text","text":"x"},"style":"loud"}]}]`,
			wantProbs: []string{"[ERROR] must be primary or danger [json-pointer:/blocks/0/elements/0/style]"}},
		{name: "same action twice in a block", blocks: `[{"type":"actions","elements":[
			{"type":"button","text":{"type":"plain_text","text":"x"},"action_id":"a"},{"type":"button","text":{"type":"plain_text","text":"y"},"action_id":"a"}]}]`,
			wantProbs: []string{"[ERROR] must be unique within the block [json-pointer:/blocks/0/elements/1/action_id]"}},
		{name: "input element in actions", blocks: `[{"type":"actions","elements":[{"type":"plain_text_input"}]}]`,
			wantProbs: []string{`[ERROR] element type "plain_text_input" is not allowed here [json-pointer:/blocks/0/elements/0/type]`}},
		{name: "unknown type", blocks: `[{"type":"carousel"}]`,
			wantProbs: []string{`[ERROR] unsupported block type "carousel" [json-pointer:/blocks/0/type]`}},
		{name: "too many options", blocks: `[{"type":"actions","elements":[{"type":"overflow","options":[` +
			strings.TrimSuffix(strings.Repeat(`{"text":{"type":"plain_text","text":"o"},"value":"v"},`, 6), ",") + `]}]}]`,
			wantProbs: []string{"[ERROR] must have no more than 5 items [json-pointer:/blocks/0/elements/0/options]"}},
		{name: "too many blocks for a message", blocks: "[" + strings.TrimSuffix(strings.Repeat(`{"type":"divider"},`, 51), ",") + "]",
			wantProbs: []string{"[ERROR] must have no more than 50 items [json-pointer:/blocks]"}},
		{name: "a modal takes 100", surface: surfaceModal, blocks: "[" + strings.TrimSuffix(strings.Repeat(`{"type":"divider"},`, 100), ",") + "]"},
		{name: "confirm dialog", blocks: `[{"type":"actions","elements":[{"type":"button","text":{"type":"plain_text","text":"Approve"},
			"confirm":{"title":{"type":"plain_text","text":"Sure?"},"text":{"type":"mrkdwn","text":"*Reset* it"},
			"confirm":{"type":"plain_text","text":"Yes"},"deny":{"type":"plain_text","text":"No"},"style":"danger"}}]}]`},
		{name: "confirm dialog beyond its limits", blocks: `[{"type":"actions","elements":[{"type":"button","text":{"type":"plain_text","text":"Approve"},
			"confirm":{"title":{"type":"mrkdwn","text":"` + strings.Repeat("t", 101) + `"},"text":{"type":"mrkdwn","text":"` + strings.Repeat("x", 301) + `"},
			"confirm":{"type":"plain_text","text":"` + strings.Repeat("c", 31) + `"},"style":"loud"}}]}]`,
			wantProbs: []string{
				"[ERROR] must be plain_text [json-pointer:/blocks/0/elements/0/confirm/title/type]",
				"[ERROR] must be less than 101 characters [json-pointer:/blocks/0/elements/0/confirm/title/text]",
				"[ERROR] must be less than 301 characters [json-pointer:/blocks/0/elements/0/confirm/text/text]",
				"[ERROR] must be less than 31 characters [json-pointer:/blocks/0/elements/0/confirm/confirm/text]",
				"[ERROR] must be a text object [json-pointer:/blocks/0/elements/0/confirm/deny]",
				"[ERROR] must be primary or danger [json-pointer:/blocks/0/elements/0/confirm/style]",
			}},
		{name: "text input lengths", surface: surfaceModal, blocks: `[{"type":"input","label":{"type":"plain_text","text":"Reason"},
			"element":{"type":"plain_text_input","min_length":10,"max_length":500,"placeholder":{"type":"plain_text","text":"why"}}}]`},
		{name: "text input lengths out of range", surface: surfaceModal, blocks: `[
			{"type":"input","label":{"type":"plain_text","text":"a"},"element":{"type":"plain_text_input","max_length":3001}},
			{"type":"input","label":{"type":"plain_text","text":"b"},"element":{"type":"plain_text_input","max_length":0}},
			{"type":"input","label":{"type":"plain_text","text":"c"},"element":{"type":"plain_text_input","min_length":20,"max_length":10}},
			{"type":"input","label":{"type":"plain_text","text":"d"},"element":{"type":"plain_text_input","max_length":"ten"}}]`,
			wantProbs: []string{
				"[ERROR] must be between 1 and 3000 [json-pointer:/blocks/0/element/max_length]",
				"[ERROR] must be between 1 and 3000 [json-pointer:/blocks/1/element/max_length]",
				"[ERROR] must be less than or equal to max_length [json-pointer:/blocks/2/element/min_length]",
				"[ERROR] must be an integer [json-pointer:/blocks/3/element/max_length]",
			}},
		{name: "placeholder too long", surface: surfaceModal, blocks: `[{"type":"input","label":{"type":"plain_text","text":"User"},
			"element":{"type":"plain_text_input","placeholder":{"type":"plain_text","text":"` + strings.Repeat("p", 151) + `"}}}]`,
			wantProbs: []string{"[ERROR] must be less than 151 characters [json-pointer:/blocks/0/element/placeholder/text]"}},
		{name: "menu options are plain text with short descriptions", surface: surfaceModal, blocks: `[{"type":"input","label":{"type":"plain_text","text":"Pool"},
			"element":{"type":"static_select","options":[{"text":{"type":"mrkdwn","text":"*prod*"},"value":"prod",
			"description":{"type":"plain_text","text":"` + strings.Repeat("d", 76) + `"}}]}}]`,
			wantProbs: []string{
				"[ERROR] must be plain_text [json-pointer:/blocks/0/element/options/0/text/type]",
				"[ERROR] must be less than 76 characters [json-pointer:/blocks/0/element/options/0/description/text]",
			}},
		{name: "checkbox options take mrkdwn", surface: surfaceModal, blocks: `[{"type":"input","label":{"type":"plain_text","text":"Also"},
			"element":{"type":"checkboxes","options":[{"text":{"type":"mrkdwn","text":"*sign out*"},"value":"yes"}]}}]`},
		{name: "image without alt text", blocks: `[{"type":"image","image_url":"https://x/y.png"}]`,
			wantProbs: []string{"[ERROR] is required [json-pointer:/blocks/0/alt_text]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, probs, err := normalizeBlocks(newIDs(1), json.RawMessage(tt.blocks), tt.surface)
			if (err != nil) != tt.wantFmt {
				t.Fatalf("format error = %v, want %v", err, tt.wantFmt)
			}
			if diff := cmp.Diff(tt.wantProbs, probs); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if err != nil || probs != nil {
				return
			}
			var blocks []map[string]any
			if err := json.Unmarshal(out, &blocks); err != nil {
				t.Fatalf("normalized blocks are not JSON: %v", err)
			}
			for i, b := range blocks {
				if id, _ := b["block_id"].(string); id == "" {
					t.Errorf("block %d has no block_id: %v", i, b)
				}
				if els, ok := b["elements"].([]any); ok && b["type"] == "actions" {
					for _, e := range els {
						if id, _ := e.(map[string]any)["action_id"].(string); id == "" {
							t.Errorf("element without action_id: %v", e)
						}
					}
				}
			}
		})
	}
}

func TestNormalizeKeepsGivenIDs(t *testing.T) {
	out, probs, err := normalizeBlocks(newIDs(1), json.RawMessage(
		`[{"type":"actions","block_id":"decision","elements":[{"type":"button","text":{"type":"plain_text","text":"x"},"action_id":"approve"}]}]`), surfaceMessage)
	if err != nil || probs != nil {
		t.Fatalf("normalize: %v %v", err, probs)
	}
	f, err := findElement(out, "approve", "")
	if err != nil || f.blockID != "decision" {
		t.Errorf("findElement = %+v, %v", f, err)
	}
}

func FuzzNormalizeBlocks(f *testing.F) {
	f.Add(`[{"type":"section","text":{"type":"mrkdwn","text":"x"},"accessory":{"type":"button","text":{"type":"plain_text","text":"b"}}}]`)
	f.Add(`[{"type":"input","label":{"type":"plain_text","text":"l"},"element":{"type":"static_select","option_groups":[{"options":[]}]}}]`)
	f.Add(`[{"type":"context","elements":[1]}]`)
	f.Add(`[{"type":"actions","elements":[{"type":"overflow","options":[{"text":{},"value":7}]}]}]`)
	f.Fuzz(func(t *testing.T, blocks string) {
		for _, surf := range []surface{surfaceMessage, surfaceModal} {
			out, probs, err := normalizeBlocks(newIDs(1), json.RawMessage(blocks), surf)
			if err != nil || probs != nil {
				continue
			}
			again, probs, err := normalizeBlocks(newIDs(2), out, surf)
			if err != nil || probs != nil {
				t.Fatalf("normalized blocks fail a second check: %v %v\n%s", err, probs, out)
			}
			if string(again) != string(out) {
				t.Errorf("normalizing twice changed the blocks:\n%s\n%s", out, again)
			}
			_, _ = viewState(out, nil)
			_, _ = findElement(out, "a", "")
		}
	})
}
