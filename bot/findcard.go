package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
)

// cardEventType is the event_type of the metadata every card carries: the card says which
// request it is, so that the bot can find it again (FindCard). The payload holds the request id
// and nothing else: people do not see metadata, but every app in the channel may read it.
const cardEventType = "resetbot_request"

// cardOptions are the options that draw a request's card as m, with its metadata.
func cardOptions(r *approval.Request, m message) []slack.MsgOption {
	return append(msgOptions(m), slack.MsgOptionMetadata(slack.SlackMetadata{
		EventType: cardEventType, EventPayload: map[string]any{"request_id": r.ID}}))
}

// isCardOf reports whether m is the card of request id, posted by the bot self.
func isCardOf(m slack.Message, id, self string) bool {
	requestID, _ := m.Metadata.EventPayload["request_id"].(string)
	return m.Metadata.EventType == cardEventType && requestID == id && m.BotID == self
}

// historyPage is how many messages one conversations.history call asks for (Slack advises no
// more than 200), and historyPages how many pages one search reads at most: a search is of the
// few minutes after a request was made, in which a channel rarely has a thousand messages.
const (
	historyPage  = 200
	historyPages = 10
)

// FindCard looks for the card of r in its channel among the messages posted from from to to
// (conversations.history with their metadata, newest first, page after page), and returns its
// thread, or the zero Thread when there is none. Reading the history needs channels:history
// (public channels) or groups:history (private ones): without it the error has code ENOSCOPE;
// a channel the bot cannot read has ENOCHANNEL.
func (n *Notifier) FindCard(ctx context.Context, r *approval.Request, from, to time.Time) (approval.Thread, error) {
	self, err := n.whoAmI(ctx)
	if err != nil {
		return approval.Thread{}, fmt.Errorf("find the card of %s: %w", r.ID, err)
	}
	p := slack.GetConversationHistoryParameters{ChannelID: r.Channel, Oldest: slackTS(from), Latest: slackTS(to),
		Inclusive: true, Limit: historyPage, IncludeAllMetadata: true}
	read := 0
	for range historyPages {
		resp, err := n.client.GetConversationHistoryContext(ctx, &p)
		if err != nil {
			return approval.Thread{}, historyError(r, err)
		}
		for _, m := range resp.Messages {
			if isCardOf(m, r.ID, self.BotID) {
				return approval.Thread{Channel: r.Channel, TS: m.Timestamp}, nil
			}
		}
		read += len(resp.Messages)
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			return approval.Thread{}, nil
		}
		p.Cursor = resp.ResponseMetaData.NextCursor
	}
	n.log.WarnContext(ctx, "the card of a request was not among the messages read; its channel had too many to read them all",
		"request_id", r.ID, "channel", r.Channel, "messages_read", read)
	return approval.Thread{}, nil
}

// historyError is Slack's refusal to read a request's channel, with the code that says
// whether asking again can help.
func historyError(r *approval.Request, err error) error {
	err = fmt.Errorf("read the history of %s to find the card of %s: %w", r.Channel, r.ID, err)
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &se) && se.Err == "missing_scope":
		return &approval.Error{Code: approval.ENOSCOPE, Err: err,
			Message: "The Slack app lacks channels:history or groups:history; reinstall it from the manifest."}
	case notInChannel(err):
		return &approval.Error{Code: approval.ENOCHANNEL, Message: "The bot cannot read this channel.", Err: err}
	}
	return err
}

// slackTS is t as a Slack message timestamp.
func slackTS(t time.Time) string {
	return fmt.Sprintf("%d.%06d", t.Unix(), t.Nanosecond()/1000)
}
