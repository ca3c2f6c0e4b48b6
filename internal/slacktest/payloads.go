package slacktest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// The pieces of interaction payloads, built as Slack builds them.

func (s *Server) teamJSON() map[string]any {
	return map[string]any{"id": s.cfg.teamID, "domain": s.cfg.teamDomain}
}

func (s *Server) userRef(u User) map[string]any {
	return map[string]any{"id": u.ID, "username": u.Name, "name": u.Name, "team_id": s.cfg.teamID}
}

// actionTS is an action_ts at now.
func actionTS(now time.Time) string {
	return strconv.FormatInt(now.Unix(), 10) + "." + fmt.Sprintf("%06d", now.Nanosecond()/1000)
}

// slashCommandPayload is a slash_commands envelope payload: form fields, every one a string.
func (s *Server) slashCommandPayload(u User, c *channel, command, text, responseURL, triggerID string) map[string]any {
	return map[string]any{
		"token": s.verificationToken, "team_id": s.cfg.teamID, "team_domain": s.cfg.teamDomain,
		"channel_id": c.ID, "channel_name": c.commandName(), "user_id": u.ID, "user_name": u.Name,
		"command": command, "text": text, "api_app_id": s.cfg.appID, "is_enterprise_install": "false",
		"response_url": responseURL, "trigger_id": triggerID,
	}
}

// interactionBase is what every interactive payload carries.
func (s *Server) interactionBase(kind string, u User) map[string]any {
	return map[string]any{
		"type": kind, "user": s.userRef(u), "api_app_id": s.cfg.appID, "token": s.verificationToken,
		"team": s.teamJSON(), "enterprise": nil, "is_enterprise_install": false,
	}
}

// eventPayload is an events_api envelope payload around an event.
func (s *Server) eventPayload(event map[string]any, now time.Time) map[string]any {
	if _, ok := event["event_ts"]; !ok {
		event["event_ts"] = actionTS(now)
	}
	return map[string]any{
		"token": s.verificationToken, "team_id": s.cfg.teamID, "api_app_id": s.cfg.appID, "event": event,
		"type": "event_callback", "event_id": s.ids.event(), "event_time": now.Unix(),
		"authorizations": []map[string]any{{
			"enterprise_id": nil, "team_id": s.cfg.teamID, "user_id": s.cfg.botUserID, "is_bot": true,
			"is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"event_context":         "4-" + s.ids.chars(mixedAlnum, 40),
	}
}

func toJSON(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding payload: %w", err)
	}
	return b, nil
}
