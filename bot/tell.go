package bot

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/slack-go/slack"
)

// audience is how to answer one person privately.
type audience struct {
	User        string
	Channel     string // where they are; "" when unknown
	ThreadTS    string // the thread they clicked in, if any
	ResponseURL string // the envelope's response_url, if any
}

// withoutURL is an error's text with u (and the URL an *url.Error names) cut out.
func withoutURL(err error, u string) string {
	text := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) && ue.URL != "" {
		text = strings.ReplaceAll(text, ue.URL, "[response_url]")
	}
	return strings.ReplaceAll(text, u, "[response_url]")
}

// tell answers one person privately: through the envelope's response_url (which works in
// channels the bot is not in), else an ephemeral message in their channel, else a direct
// message. Failures are logged; there is no one left to tell.
func (b *Bot) tell(ctx context.Context, to audience, m message) {
	if to.ResponseURL != "" {
		err := slack.PostWebhookCustomHTTPContext(ctx, to.ResponseURL, b.notifier.http, &slack.WebhookMessage{
			Text:         m.Text,
			Blocks:       &slack.Blocks{BlockSet: m.Blocks},
			ResponseType: slack.ResponseTypeEphemeral,
		})
		if err == nil {
			return
		}
		// A response_url is a bearer link for 30 minutes: the log never holds it.
		b.log.WarnContext(ctx, "answering through response_url failed", "user", to.User, "err", withoutURL(err, to.ResponseURL))
	}
	if to.Channel != "" {
		opts := msgOptions(m)
		if to.ThreadTS != "" {
			opts = append(opts, slack.MsgOptionTS(to.ThreadTS))
		}
		_, err := b.client.PostEphemeralContext(ctx, to.Channel, to.User, opts...)
		if err == nil {
			return
		}
		b.log.WarnContext(ctx, "answering with an ephemeral message failed", "user", to.User, "channel", to.Channel, "err", err)
	}
	if err := b.notifier.directMessage(ctx, to.User, m); err != nil {
		b.log.ErrorContext(ctx, "answering a person failed every way", "user", to.User, "err", err)
	}
}
