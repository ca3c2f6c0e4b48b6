package slackhttp

import (
	"encoding/json"
	"net/http"
	"strings"
)

// channelOf is the channel a call is for: its form or query argument, else the "channel" of
// its JSON body.
func channelOf(req *http.Request, body []byte) string {
	if ch := req.URL.Query().Get("channel"); ch != "" {
		return ch
	}
	ct := req.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return formValue(body, "channel")
	}
	return jsonChannel(body)
}

// jsonChannel is the "channel" of a JSON body, or "" when it has none.
func jsonChannel(body []byte) string {
	var v struct {
		Channel string `json:"channel"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	return v.Channel
}
