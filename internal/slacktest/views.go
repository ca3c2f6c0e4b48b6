package slacktest

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// maxStack is how many views a modal stack holds.
const maxStack = 3

// View is a modal, or a user's Home tab, as stored.
type View struct {
	ID              string `json:"id"`
	Type            string `json:"type"` // "modal" or "home"
	User            string `json:"user"` // whose screen it is on
	CallbackID      string `json:"callback_id"`
	PrivateMetadata string `json:"private_metadata"`
	ExternalID      string `json:"external_id,omitempty"`
	Hash            string `json:"hash"`
	Title           string `json:"title"` // the title's text
	RootViewID      string `json:"root_view_id"`
	PreviousViewID  string `json:"previous_view_id,omitempty"`
	// Blocks are the view's blocks with the block_id and action_id values Slack fills in.
	Blocks        json.RawMessage `json:"blocks"`
	NotifyOnClose bool            `json:"notify_on_close"`
	Open          bool            `json:"open"`
	// Errors are the field errors of the last response_action "errors", by block_id, as shown
	// under the inputs; nil when none are shown.
	Errors map[string]string `json:"errors,omitempty"`
}

// SlackBlocks decodes the blocks with slack-go.
func (v View) SlackBlocks() (slack.Blocks, error) { return decodeBlocks(v.Blocks) }

// Content returns the title and every string inside the blocks, newline-separated.
func (v View) Content() string { return content(v.Title, v.Blocks) }

// view is a stored modal.
type view struct {
	Type                                                                                string // "modal" or "home"
	ID, User, CallbackID, PrivateMetadata, ExternalID, Hash, RootViewID, PreviousViewID string
	Title, Submit, Close                                                                json.RawMessage
	Blocks                                                                              json.RawMessage
	NotifyOnClose, ClearOnClose, Open                                                   bool
	Errors                                                                              map[string]string
	State                                                                               map[string]map[string]any
}

func (v *view) export() View {
	var title struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal(v.Title, &title)
	return View{ID: v.ID, Type: v.Type, User: v.User, CallbackID: v.CallbackID, PrivateMetadata: v.PrivateMetadata,
		ExternalID: v.ExternalID, Hash: v.Hash, Title: title.Text, RootViewID: v.RootViewID,
		PreviousViewID: v.PreviousViewID, Blocks: v.Blocks, NotifyOnClose: v.NotifyOnClose, Open: v.Open,
		Errors: maps.Clone(v.Errors)}
}

// json renders the view as Slack's API and payloads do.
func (s *Server) viewJSON(v *view) map[string]any {
	state := v.State
	if state == nil {
		state = map[string]map[string]any{}
	}
	var prev any
	if v.PreviousViewID != "" {
		prev = v.PreviousViewID
	}
	out := map[string]any{
		"id": v.ID, "team_id": s.cfg.teamID, "type": v.Type, "blocks": v.Blocks, "private_metadata": v.PrivateMetadata,
		"callback_id": v.CallbackID, "state": map[string]any{"values": state}, "hash": v.Hash, "title": v.Title,
		"clear_on_close": v.ClearOnClose, "notify_on_close": v.NotifyOnClose, "previous_view_id": prev,
		"root_view_id": v.RootViewID, "app_id": s.cfg.appID, "external_id": v.ExternalID,
		"app_installed_team_id": s.cfg.teamID, "bot_id": s.cfg.botID,
	}
	if v.Submit != nil {
		out["submit"] = v.Submit
	}
	if v.Close != nil {
		out["close"] = v.Close
	}
	return out
}

// modalRequest is a view as views.open, views.push, views.update and a response_action carry it.
type modalRequest struct {
	Type            string          `json:"type"`
	Title           json.RawMessage `json:"title"`
	Blocks          json.RawMessage `json:"blocks"`
	Close           json.RawMessage `json:"close"`
	Submit          json.RawMessage `json:"submit"`
	PrivateMetadata string          `json:"private_metadata"`
	CallbackID      string          `json:"callback_id"`
	ClearOnClose    bool            `json:"clear_on_close"`
	NotifyOnClose   bool            `json:"notify_on_close"`
	ExternalID      string          `json:"external_id"`
}

// The types of view.
const (
	viewModal = "modal"
	viewHome  = "home"
)

// checkModal validates a modal and returns it with normalized blocks.
func (s *Server) checkModal(raw json.RawMessage) (modalRequest, *apiError) {
	return s.checkView(raw, viewModal)
}

// checkView validates a view of the type given (a Home tab has no title, submit or close
// button) and returns it with normalized blocks.
func (s *Server) checkView(raw json.RawMessage, typ string) (modalRequest, *apiError) {
	var m modalRequest
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, slackError("invalid_arguments", "[ERROR] must be a view object [json-pointer:/view]")
	}
	v := &validator{ids: s.ids}
	if m.Type != typ {
		v.fail("/view/type", "must be "+typ)
	}
	if typ == viewModal {
		v.textObject("/view/title", decodeAny(m.Title), 24, true)
		if m.Submit != nil {
			v.textObject("/view/submit", decodeAny(m.Submit), 24, true)
		}
		if m.Close != nil {
			v.textObject("/view/close", decodeAny(m.Close), 24, true)
		}
	}
	if utf8.RuneCountInString(m.PrivateMetadata) > 3000 {
		v.fail("/view/private_metadata", "must be less than 3001 characters")
	}
	if utf8.RuneCountInString(m.CallbackID) > 255 {
		v.fail("/view/callback_id", "must be less than 256 characters")
	}
	if utf8.RuneCountInString(m.ExternalID) > 255 {
		v.fail("/view/external_id", "must be less than 256 characters")
	}
	if len(v.problems) > 0 {
		return m, slackError("invalid_arguments", v.problems...)
	}
	if len(m.Blocks) == 0 || string(m.Blocks) == "null" {
		m.Blocks = json.RawMessage("[]")
	}
	norm, problems, err := normalizeBlocks(s.ids, m.Blocks, surfaceModal)
	switch {
	case err != nil:
		return m, slackError("invalid_arguments", "[ERROR] must be an array of blocks [json-pointer:/view/blocks]")
	case len(problems) > 0:
		return m, slackError("invalid_arguments", prefixPointers(problems, "/view")...)
	}
	m.Blocks = norm
	if typ == viewModal && len(inputBlocks(norm)) > 0 && m.Submit == nil {
		return m, slackError("invalid_arguments", "[ERROR] must provide a submit button when there are input blocks [json-pointer:/view/submit]")
	}
	return m, nil
}

// prefixPointers puts prefix before the json-pointer of each problem.
func prefixPointers(problems []string, prefix string) []string {
	out := make([]string, len(problems))
	for i, p := range problems {
		out[i] = strings.Replace(p, "[json-pointer:", "[json-pointer:"+prefix, 1)
	}
	return out
}

func decodeAny(raw json.RawMessage) any {
	var v any
	if len(raw) == 0 {
		return nil
	}
	_ = json.Unmarshal(raw, &v)
	return v
}

// inputBlocks returns the input blocks of a normalized blocks array.
func inputBlocks(blocks json.RawMessage) []map[string]any {
	var all []map[string]any
	_ = json.Unmarshal(blocks, &all)
	return slices.DeleteFunc(all, func(b map[string]any) bool { return b["type"] != "input" })
}

// newViewLocked stores a new open view for user from a checked modal; s.mu held.
func (s *Server) newViewLocked(user string, m modalRequest, root, prev string) *view {
	v := &view{Type: viewModal, ID: s.ids.view(), User: user, Open: true}
	s.applyModal(v, m)
	v.RootViewID = root
	if root == "" {
		v.RootViewID = v.ID
	}
	v.PreviousViewID = prev
	s.views[v.ID] = v
	return v
}

// applyModal sets a view's content from a checked modal and gives it a new hash.
func (s *Server) applyModal(v *view, m modalRequest) {
	v.CallbackID, v.PrivateMetadata, v.ExternalID = m.CallbackID, m.PrivateMetadata, m.ExternalID
	v.Title, v.Submit, v.Close, v.Blocks = m.Title, m.Submit, m.Close, m.Blocks
	v.NotifyOnClose, v.ClearOnClose = m.NotifyOnClose, m.ClearOnClose
	v.Errors, v.State = nil, nil
	v.Hash = s.ids.hash(s.clock.Now())
}

// externalIDTakenLocked reports whether an open view other than except uses the external id.
func (s *Server) externalIDTakenLocked(id, except string) bool {
	if id == "" {
		return false
	}
	for _, v := range s.views {
		if v.Open && v.ExternalID == id && v.ID != except {
			return true
		}
	}
	return false
}

// closeViewsLocked closes a user's views from index i of the stack up; s.mu held.
func (s *Server) closeViewsLocked(user string, i int) {
	stack := s.stacks[user]
	for _, id := range stack[i:] {
		if v, ok := s.views[id]; ok {
			v.Open = false
		}
	}
	s.stacks[user] = stack[:i]
	if i == 0 {
		delete(s.stacks, user)
	}
}
