package slacktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"unicode/utf8"
)

// surface is where blocks are shown; the limits differ.
type surface int

const (
	surfaceMessage surface = iota
	surfaceModal
)

// maxBlocks is how many blocks each surface takes.
var maxBlocks = map[surface]int{surfaceMessage: 50, surfaceModal: 100}

// blockRules checks each block type Slack knows. To support a new type, add its rule here.
var blockRules = map[string]func(v *validator, p string, b map[string]any){
	"section": func(v *validator, p string, b map[string]any) {
		_, hasText := b["text"]
		fields, hasFields := b["fields"].([]any)
		if !hasText && !hasFields {
			v.fail(p, "must provide text or fields")
		}
		if hasText {
			v.textObject(p+"/text", b["text"], 3000, false)
		}
		if hasFields {
			if len(fields) > 10 {
				v.fail(p+"/fields", "must have no more than 10 items")
			}
			for i, f := range fields {
				v.textObject(fmt.Sprintf("%s/fields/%d", p, i), f, 2000, false)
			}
		}
		if acc, ok := b["accessory"]; ok {
			v.element(p+"/accessory", acc, accessoryElements)
		}
	},
	"divider": func(*validator, string, map[string]any) {},
	"header": func(v *validator, p string, b map[string]any) {
		v.textObject(p+"/text", b["text"], 150, true)
	},
	"actions": func(v *validator, p string, b map[string]any) {
		els, ok := b["elements"].([]any)
		if !ok || len(els) == 0 || len(els) > 25 {
			v.fail(p+"/elements", "must have between 1 and 25 items")
			return
		}
		v.elements(p+"/elements", els, actionElements)
	},
	"context": func(v *validator, p string, b map[string]any) {
		els, ok := b["elements"].([]any)
		if !ok || len(els) == 0 || len(els) > 10 {
			v.fail(p+"/elements", "must have between 1 and 10 items")
			return
		}
		for i, e := range els {
			ep := fmt.Sprintf("%s/elements/%d", p, i)
			m, _ := e.(map[string]any)
			switch m["type"] {
			case "image":
				v.image(ep, m)
			default:
				v.textObject(ep, e, 3000, false)
			}
		}
	},
	"input": func(v *validator, p string, b map[string]any) {
		v.textObject(p+"/label", b["label"], 2000, true)
		if h, ok := b["hint"]; ok {
			v.textObject(p+"/hint", h, 2000, true)
		}
		if _, ok := b["element"]; !ok {
			v.fail(p+"/element", "is required")
			return
		}
		v.element(p+"/element", b["element"], inputElements)
	},
	"image": func(v *validator, p string, b map[string]any) { v.image(p, b) },
	"rich_text": func(v *validator, p string, b map[string]any) {
		if els, ok := b["elements"].([]any); !ok || len(els) == 0 {
			v.fail(p+"/elements", "must have at least 1 item")
		}
	},
	"markdown": func(v *validator, p string, b map[string]any) {
		t, ok := b["text"].(string)
		if !ok || t == "" {
			v.fail(p+"/text", "is required")
		} else if utf8.RuneCountInString(t) > 12000 {
			v.fail(p+"/text", "must be less than 12001 characters")
		}
	},
}

// elementRules checks each interactive element Slack knows, beyond action_id.
var elementRules = map[string]func(v *validator, p string, e map[string]any){
	"button": func(v *validator, p string, e map[string]any) {
		v.textObject(p+"/text", e["text"], 75, true)
		v.maxString(p+"/value", e["value"], 2000)
		v.maxString(p+"/url", e["url"], 3000)
		if st, ok := e["style"]; ok && st != "primary" && st != "danger" {
			v.fail(p+"/style", "must be primary or danger")
		}
	},
	"static_select":       optionsRule(100, true, true),
	"multi_static_select": optionsRule(100, true, true),
	"overflow":            optionsRule(5, false, true),
	"checkboxes":          optionsRule(10, false, false),
	"radio_buttons":       optionsRule(10, false, false),
	"plain_text_input": func(v *validator, p string, e map[string]any) {
		v.maxString(p+"/initial_value", e["initial_value"], 3000)
		minLen, hasMin := v.intIn(p+"/min_length", e["min_length"], 0, 3000)
		maxLen, hasMax := v.intIn(p+"/max_length", e["max_length"], 1, 3000)
		if hasMin && hasMax && minLen > maxLen {
			v.fail(p+"/min_length", "must be less than or equal to max_length")
		}
	},
	"email_text_input":           noRule,
	"url_text_input":             noRule,
	"number_input":               noRule,
	"users_select":               noRule,
	"multi_users_select":         noRule,
	"conversations_select":       noRule,
	"multi_conversations_select": noRule,
	"channels_select":            noRule,
	"multi_channels_select":      noRule,
	"external_select":            noRule,
	"multi_external_select":      noRule,
	"datepicker":                 noRule,
	"timepicker":                 noRule,
	"datetimepicker":             noRule,
	"rich_text_input":            noRule,
	"file_input":                 noRule,
	"image":                      func(v *validator, p string, e map[string]any) { v.image(p, e) },
}

func noRule(*validator, string, map[string]any) {}

// optionsRule checks a menu's options (or option groups, when groups is true); plainOnly
// says whether its options' text must be plain_text, as in menus (checkboxes and radio
// buttons take mrkdwn).
func optionsRule(limit int, groups, plainOnly bool) func(v *validator, p string, e map[string]any) {
	return func(v *validator, p string, e map[string]any) {
		opts, hasOpts := e["options"].([]any)
		og, hasGroups := e["option_groups"].([]any)
		if groups && hasGroups {
			for i, g := range og {
				gm, _ := g.(map[string]any)
				gopts, _ := gm["options"].([]any)
				v.options(fmt.Sprintf("%s/option_groups/%d/options", p, i), gopts, limit, plainOnly)
			}
			return
		}
		if !hasOpts || len(opts) == 0 {
			v.fail(p+"/options", "must have at least 1 item")
			return
		}
		v.options(p+"/options", opts, limit, plainOnly)
	}
}

// Which elements each container takes.
var (
	actionElements = []string{"button", "static_select", "multi_static_select", "overflow", "checkboxes", "radio_buttons",
		"users_select", "multi_users_select", "conversations_select", "multi_conversations_select", "channels_select",
		"multi_channels_select", "external_select", "multi_external_select", "datepicker", "timepicker", "datetimepicker"}
	accessoryElements = append(slices.Clone(actionElements), "image")
	inputElements     = []string{"plain_text_input", "email_text_input", "url_text_input", "number_input", "static_select",
		"multi_static_select", "checkboxes", "radio_buttons", "users_select", "multi_users_select", "conversations_select",
		"multi_conversations_select", "channels_select", "multi_channels_select", "external_select",
		"multi_external_select", "datepicker", "timepicker", "datetimepicker", "rich_text_input", "file_input"}
)

// validator collects the problems of a blocks array and fills in the block_id and action_id
// Slack generates when they are missing.
type validator struct {
	ids       *ids
	problems  []string
	actionIDs map[string]bool // per block
}

func (v *validator) fail(pointer, msg string) {
	v.problems = append(v.problems, fmt.Sprintf("[ERROR] %s [json-pointer:%s]", msg, pointer))
}

func (v *validator) maxString(p string, x any, n int) {
	if x == nil {
		return
	}
	s, ok := x.(string)
	if !ok {
		v.fail(p, "must be a string")
		return
	}
	if utf8.RuneCountInString(s) > n {
		v.fail(p, fmt.Sprintf("must be less than %d characters", n+1))
	}
}

// textObject checks a text composition object.
func (v *validator) textObject(p string, x any, limit int, plainOnly bool) {
	m, ok := x.(map[string]any)
	if !ok {
		v.fail(p, "must be a text object")
		return
	}
	switch m["type"] {
	case "plain_text":
	case "mrkdwn":
		if plainOnly {
			v.fail(p+"/type", "must be plain_text")
		}
	default:
		v.fail(p+"/type", "must be plain_text or mrkdwn")
	}
	t, ok := m["text"].(string)
	switch {
	case !ok || t == "":
		v.fail(p+"/text", "must be more than 0 characters")
	case utf8.RuneCountInString(t) > limit:
		v.fail(p+"/text", fmt.Sprintf("must be less than %d characters", limit+1))
	}
}

// confirm checks a confirmation dialog object.
func (v *validator) confirm(p string, x any) {
	m, ok := x.(map[string]any)
	if !ok {
		v.fail(p, "must be a confirmation dialog object")
		return
	}
	v.textObject(p+"/title", m["title"], 100, true)
	v.textObject(p+"/text", m["text"], 300, false)
	v.textObject(p+"/confirm", m["confirm"], 30, true)
	v.textObject(p+"/deny", m["deny"], 30, true)
	if st, ok := m["style"]; ok && st != "primary" && st != "danger" {
		v.fail(p+"/style", "must be primary or danger")
	}
}

// intIn checks an optional integer field against a range and returns it.
func (v *validator) intIn(p string, x any, lo, hi int) (int, bool) {
	if x == nil {
		return 0, false
	}
	n, err := jsonInt(x)
	if err != nil {
		v.fail(p, "must be an integer")
		return 0, false
	}
	if n < lo || n > hi {
		v.fail(p, fmt.Sprintf("must be between %d and %d", lo, hi))
		return 0, false
	}
	return n, true
}

// jsonInt reads an integer decoded from JSON (a json.Number or a float64).
func jsonInt(x any) (int, error) {
	switch n := x.(type) {
	case json.Number:
		i, err := n.Int64()
		if err != nil {
			return 0, fmt.Errorf("not an integer: %w", err)
		}
		return int(i), nil
	case float64:
		if n != float64(int(n)) {
			return 0, fmt.Errorf("not an integer: %v", n)
		}
		return int(n), nil
	}
	return 0, fmt.Errorf("not a number: %v", x)
}

func (v *validator) image(p string, m map[string]any) {
	_, url := m["image_url"].(string)
	_, file := m["slack_file"].(map[string]any)
	if !url && !file {
		v.fail(p+"/image_url", "is required")
	}
	if alt, ok := m["alt_text"].(string); !ok || alt == "" {
		v.fail(p+"/alt_text", "is required")
	}
}

func (v *validator) options(p string, opts []any, limit int, plainOnly bool) {
	if len(opts) > limit {
		v.fail(p, fmt.Sprintf("must have no more than %d items", limit))
	}
	for i, o := range opts {
		op := fmt.Sprintf("%s/%d", p, i)
		m, ok := o.(map[string]any)
		if !ok {
			v.fail(op, "must be an option object")
			continue
		}
		v.textObject(op+"/text", m["text"], 75, plainOnly)
		if d, ok := m["description"]; ok {
			v.textObject(op+"/description", d, 75, plainOnly)
		}
		val, ok := m["value"].(string)
		if !ok || val == "" {
			v.fail(op+"/value", "must be more than 0 characters")
		} else if utf8.RuneCountInString(val) > 150 {
			v.fail(op+"/value", "must be less than 151 characters")
		}
	}
}

func (v *validator) elements(p string, els []any, allowed []string) {
	for i, e := range els {
		v.element(fmt.Sprintf("%s/%d", p, i), e, allowed)
	}
}

// element checks one element and gives it an action_id if it is interactive and has none.
func (v *validator) element(p string, x any, allowed []string) {
	m, ok := x.(map[string]any)
	if !ok {
		v.fail(p, "must be an element object")
		return
	}
	t, _ := m["type"].(string)
	rule, known := elementRules[t]
	if !known || !slices.Contains(allowed, t) {
		v.fail(p+"/type", fmt.Sprintf("element type %q is not allowed here", t))
		return
	}
	rule(v, p, m)
	if t == "image" {
		return
	}
	if ph, ok := m["placeholder"]; ok {
		v.textObject(p+"/placeholder", ph, 150, true)
	}
	if c, ok := m["confirm"]; ok {
		v.confirm(p+"/confirm", c)
	}
	id, has := m["action_id"]
	if !has {
		id = v.ids.blockID()
		m["action_id"] = id
	}
	s, ok := id.(string)
	switch {
	case !ok || s == "":
		v.fail(p+"/action_id", "must be more than 0 characters")
	case utf8.RuneCountInString(s) > 255:
		v.fail(p+"/action_id", "must be less than 256 characters")
	case v.actionIDs[s]:
		v.fail(p+"/action_id", "must be unique within the block")
	default:
		v.actionIDs[s] = true
	}
}

// normalizeBlocks validates a blocks array for a surface and returns it with every block_id
// and action_id Slack would generate filled in. formatErr means the blocks are not a JSON array
// of objects; problems are Slack's complaints about valid JSON.
func normalizeBlocks(g *ids, raw json.RawMessage, surf surface) (out json.RawMessage, problems []string, formatErr error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var blocks []any
	if err := dec.Decode(&blocks); err != nil {
		return nil, nil, fmt.Errorf("blocks are not a JSON array: %w", err)
	}
	if dec.More() {
		return nil, nil, fmt.Errorf("blocks: trailing data after the array")
	}
	v := &validator{ids: g}
	if len(blocks) > maxBlocks[surf] {
		v.fail("/blocks", fmt.Sprintf("must have no more than %d items", maxBlocks[surf]))
	}
	blockIDs := map[string]bool{}
	for i, b := range blocks {
		p := fmt.Sprintf("/blocks/%d", i)
		m, ok := b.(map[string]any)
		if !ok {
			return nil, nil, fmt.Errorf("block %d is not an object", i)
		}
		t, _ := m["type"].(string)
		rule, known := blockRules[t]
		if !known {
			v.fail(p+"/type", fmt.Sprintf("unsupported block type %q", t))
			continue
		}
		v.actionIDs = map[string]bool{}
		rule(v, p, m)
		id, has := m["block_id"]
		if !has {
			id = g.blockID()
			m["block_id"] = id
		}
		s, ok := id.(string)
		switch {
		case !ok || s == "":
			v.fail(p+"/block_id", "must be more than 0 characters")
		case utf8.RuneCountInString(s) > 255:
			v.fail(p+"/block_id", "must be less than 256 characters")
		case blockIDs[s]:
			v.fail(p+"/block_id", "must be unique")
		default:
			blockIDs[s] = true
		}
	}
	if len(v.problems) > 0 {
		return nil, v.problems, nil
	}
	b, err := json.Marshal(blocks)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding blocks: %w", err)
	}
	return b, nil, nil
}
