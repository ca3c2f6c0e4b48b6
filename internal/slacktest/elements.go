package slacktest

import (
	"encoding/json"
	"fmt"
	"strings"
)

// found is an interactive element found in a surface's blocks.
type found struct {
	blockID string
	el      map[string]any
}

// findElement finds the element with actionID in blocks: in an actions block, a section's
// accessory or an input block. For buttons, a value (if given) picks among buttons sharing the
// action_id across blocks.
func findElement(blocks json.RawMessage, actionID, value string) (found, error) {
	var list []map[string]any
	if len(blocks) > 0 {
		if err := json.Unmarshal(blocks, &list); err != nil {
			return found{}, fmt.Errorf("reading blocks: %w", err)
		}
	}
	var candidates []found
	for _, b := range list {
		id, _ := b["block_id"].(string)
		var els []any
		switch b["type"] {
		case "actions":
			els, _ = b["elements"].([]any)
		case "section":
			if a, ok := b["accessory"]; ok {
				els = []any{a}
			}
		case "input":
			if e, ok := b["element"]; ok {
				els = []any{e}
			}
		}
		for _, e := range els {
			m, ok := e.(map[string]any)
			if ok && m["action_id"] == actionID {
				candidates = append(candidates, found{blockID: id, el: m})
			}
		}
	}
	for _, c := range candidates {
		if c.el["type"] != "button" || value == "" || c.el["value"] == value {
			return c, nil
		}
	}
	if len(candidates) > 0 {
		return found{}, fmt.Errorf("no button %q with value %q: %w", actionID, value, ErrNotFound)
	}
	return found{}, fmt.Errorf("no element with action_id %q: %w", actionID, ErrNotFound)
}

// actionRules build the actions[] entry of a block_actions payload for each element type, from
// the value the person picked. To let people use a new element, add it here.
var actionRules = map[string]func(el map[string]any, value string) (map[string]any, error){
	"button": func(el map[string]any, _ string) (map[string]any, error) {
		out := map[string]any{"text": el["text"]}
		for _, k := range []string{"value", "style", "url"} {
			if v, ok := el[k]; ok {
				out[k] = v
			}
		}
		return out, nil
	},
	"static_select":              selectedOption,
	"overflow":                   selectedOption,
	"radio_buttons":              selectedOption,
	"multi_static_select":        selectedOptions,
	"checkboxes":                 selectedOptions,
	"users_select":               selectedField("selected_user"),
	"conversations_select":       selectedField("selected_conversation"),
	"channels_select":            selectedField("selected_channel"),
	"datepicker":                 selectedField("selected_date"),
	"timepicker":                 selectedField("selected_time"),
	"multi_users_select":         selectedList("selected_users"),
	"multi_conversations_select": selectedList("selected_conversations"),
	"multi_channels_select":      selectedList("selected_channels"),
}

func selectedOption(el map[string]any, value string) (map[string]any, error) {
	o, err := option(el, value)
	if err != nil {
		return nil, err
	}
	return map[string]any{"selected_option": o}, nil
}

func selectedOptions(el map[string]any, value string) (map[string]any, error) {
	opts := []any{}
	for _, v := range splitValues(value) {
		o, err := option(el, v)
		if err != nil {
			return nil, err
		}
		opts = append(opts, o)
	}
	return map[string]any{"selected_options": opts}, nil
}

func selectedField(key string) func(map[string]any, string) (map[string]any, error) {
	return func(_ map[string]any, value string) (map[string]any, error) {
		if value == "" {
			return nil, fmt.Errorf("%s needs a value: %w", key, ErrInvalidInput)
		}
		return map[string]any{key: value}, nil
	}
}

func selectedList(key string) func(map[string]any, string) (map[string]any, error) {
	return func(_ map[string]any, value string) (map[string]any, error) {
		return map[string]any{key: splitValues(value)}, nil
	}
}

// splitValues splits a multi-value input ("a,b") into its values.
func splitValues(v string) []string {
	out := []string{}
	for p := range strings.SplitSeq(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// option finds the option with the value among an element's options and option groups.
func option(el map[string]any, value string) (any, error) {
	var all []any
	if opts, ok := el["options"].([]any); ok {
		all = append(all, opts...)
	}
	if groups, ok := el["option_groups"].([]any); ok {
		for _, g := range groups {
			if gm, ok := g.(map[string]any); ok {
				if opts, ok := gm["options"].([]any); ok {
					all = append(all, opts...)
				}
			}
		}
	}
	for _, o := range all {
		if m, ok := o.(map[string]any); ok && m["value"] == value {
			return m, nil
		}
	}
	return nil, fmt.Errorf("no option with value %q: %w", value, ErrInvalidInput)
}

// blockAction builds one actions[] entry for a click on an element.
func blockAction(f found, value, ts string) (map[string]any, error) {
	t, _ := f.el["type"].(string)
	rule, ok := actionRules[t]
	if !ok {
		return nil, fmt.Errorf("element type %q cannot be clicked: %w", t, ErrInvalidInput)
	}
	out, err := rule(f.el, value)
	if err != nil {
		return nil, err
	}
	out["type"] = t
	out["action_id"] = f.el["action_id"]
	out["block_id"] = f.blockID
	out["action_ts"] = ts
	return out, nil
}
