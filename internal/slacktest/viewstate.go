package slacktest

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// stateRules build an input element's entry in view.state.values from what the person typed
// or picked (given false: left as the view showed it). They report whether the input is empty,
// for required inputs. To let people fill a new input element, add it here.
var stateRules = map[string]func(el map[string]any, value string, given bool) (map[string]any, bool, error){
	"plain_text_input":           textState,
	"email_text_input":           textState,
	"url_text_input":             textState,
	"number_input":               textState,
	"static_select":              optionState,
	"external_select":            optionState,
	"radio_buttons":              optionState,
	"multi_static_select":        optionsState,
	"multi_external_select":      optionsState,
	"checkboxes":                 optionsState,
	"users_select":               fieldState("selected_user", "initial_user"),
	"conversations_select":       fieldState("selected_conversation", "initial_conversation"),
	"channels_select":            fieldState("selected_channel", "initial_channel"),
	"datepicker":                 fieldState("selected_date", "initial_date"),
	"timepicker":                 fieldState("selected_time", "initial_time"),
	"multi_users_select":         listState("selected_users", "initial_users"),
	"multi_conversations_select": listState("selected_conversations", "initial_conversations"),
	"multi_channels_select":      listState("selected_channels", "initial_channels"),
	"rich_text_input": func(_ map[string]any, value string, _ bool) (map[string]any, bool, error) {
		doc := map[string]any{"type": "rich_text", "elements": []any{map[string]any{
			"type": "rich_text_section", "elements": []any{map[string]any{"type": "text", "text": value}},
		}}}
		return map[string]any{"rich_text_value": doc}, value == "", nil
	},
}

// textState fills a text input. Like Slack's client, it refuses typed text outside the
// input's min_length and max_length.
func textState(el map[string]any, value string, given bool) (map[string]any, bool, error) {
	if !given {
		value, _ = el["initial_value"].(string)
	}
	if value == "" {
		return map[string]any{"value": nil}, true, nil
	}
	n := utf8.RuneCountInString(value)
	if maxLen, err := jsonInt(el["max_length"]); err == nil && n > maxLen {
		return nil, false, fmt.Errorf("%d characters typed where at most %d fit: %w", n, maxLen, ErrInvalidInput)
	}
	if minLen, err := jsonInt(el["min_length"]); err == nil && n < minLen {
		return nil, false, fmt.Errorf("%d characters typed where at least %d are needed: %w", n, minLen, ErrInvalidInput)
	}
	return map[string]any{"value": value}, false, nil
}

func optionState(el map[string]any, value string, given bool) (map[string]any, bool, error) {
	if !given {
		init, ok := el["initial_option"]
		return map[string]any{"selected_option": init}, !ok || init == nil, nil
	}
	if value == "" {
		return map[string]any{"selected_option": nil}, true, nil
	}
	if el["type"] == "external_select" {
		return map[string]any{"selected_option": map[string]any{
			"text": map[string]any{"type": "plain_text", "text": value, "emoji": true}, "value": value,
		}}, false, nil
	}
	o, err := option(el, value)
	if err != nil {
		return nil, false, err
	}
	return map[string]any{"selected_option": o}, false, nil
}

func optionsState(el map[string]any, value string, given bool) (map[string]any, bool, error) {
	if !given {
		init, _ := el["initial_options"].([]any)
		if init == nil {
			init = []any{}
		}
		return map[string]any{"selected_options": init}, len(init) == 0, nil
	}
	opts := []any{}
	for _, v := range splitValues(value) {
		if el["type"] == "multi_external_select" {
			opts = append(opts, map[string]any{"text": map[string]any{"type": "plain_text", "text": v}, "value": v})
			continue
		}
		o, err := option(el, v)
		if err != nil {
			return nil, false, err
		}
		opts = append(opts, o)
	}
	return map[string]any{"selected_options": opts}, len(opts) == 0, nil
}

func fieldState(key, initial string) func(map[string]any, string, bool) (map[string]any, bool, error) {
	return func(el map[string]any, value string, given bool) (map[string]any, bool, error) {
		if !given {
			value, _ = el[initial].(string)
		}
		if value == "" {
			return map[string]any{key: nil}, true, nil
		}
		return map[string]any{key: value}, false, nil
	}
}

func listState(key, initial string) func(map[string]any, string, bool) (map[string]any, bool, error) {
	return func(el map[string]any, value string, given bool) (map[string]any, bool, error) {
		var vals []string
		if given {
			vals = splitValues(value)
		} else if init, ok := el[initial].([]any); ok {
			for _, v := range init {
				if s, ok := v.(string); ok {
					vals = append(vals, s)
				}
			}
		}
		if vals == nil {
			vals = []string{}
		}
		return map[string]any{key: vals}, len(vals) == 0, nil
	}
}

// viewState builds view.state.values for a view's input blocks from the values a person
// entered, keyed by block_id (or by action_id). Values left out keep what the view showed
// (initial values). It fails as Slack's client would refuse the submission: a required input
// left empty, a key matching no input, a choice that is not on offer.
func viewState(blocks json.RawMessage, values map[string]string) (map[string]map[string]any, error) {
	state := map[string]map[string]any{}
	used := map[string]bool{}
	for _, b := range inputBlocks(blocks) {
		blockID, _ := b["block_id"].(string)
		el, _ := b["element"].(map[string]any)
		actionID, _ := el["action_id"].(string)
		t, _ := el["type"].(string)
		rule, ok := stateRules[t]
		if !ok {
			return nil, fmt.Errorf("input %q: element type %q cannot be filled in: %w", blockID, t, ErrInvalidInput)
		}
		value, given := values[blockID]
		key := blockID
		if !given {
			value, given = values[actionID]
			key = actionID
		}
		if given {
			used[key] = true
		}
		entry, empty, err := rule(el, value, given)
		if err != nil {
			return nil, fmt.Errorf("input %q: %w", blockID, err)
		}
		if optional, _ := b["optional"].(bool); empty && !optional {
			return nil, fmt.Errorf("input %q is required: %w", blockID, ErrInvalidInput)
		}
		entry["type"] = t
		state[blockID] = map[string]any{actionID: entry}
	}
	var unknown []string
	for k := range values {
		if !used[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("no input %s in the view: %w", strings.Join(unknown, ", "), ErrInvalidInput)
	}
	return state, nil
}

// inputBlockIDs returns the block ids of a blocks array's input blocks.
func inputBlockIDs(blocks json.RawMessage) []string {
	var ids []string
	for _, b := range inputBlocks(blocks) {
		if id, ok := b["block_id"].(string); ok {
			ids = append(ids, id)
		}
	}
	return slices.Clip(ids)
}
