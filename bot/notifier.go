package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
)

// DefaultPermanentPasswordDMTTL is how long a permanent password sent by direct message stays.
const DefaultPermanentPasswordDMTTL = 15 * time.Minute

// NotifierConfig is what a Notifier needs.
type NotifierConfig struct {
	// Client is the Slack Web API client, built by the caller with the bot token,
	// slack.OptionAppLevelToken and, for tests, slack.OptionAPIURL. Required.
	Client *slack.Client
	// Logger is required.
	Logger *slog.Logger
	// CommandName is the slash command's name; default DefaultCommandName.
	CommandName string
	// DryRun marks everything posted as DRY RUN.
	DryRun bool
	// GroupCacheTTL is how long Slack user groups are cached; default DefaultGroupCacheTTL.
	GroupCacheTTL time.Duration
	// PermanentPasswordDMTTL is how long a permanent password sent by direct message stays
	// before the bot deletes it; default DefaultPermanentPasswordDMTTL, negative never.
	PermanentPasswordDMTTL time.Duration
	// HTTPClient posts to response_urls; default a client with a 10 s timeout.
	HTTPClient *http.Client
	// Now is the clock of the group cache; default time.Now.
	Now func() time.Time
}

// Notifier is the Slack side of the workflow: it implements approval.Notifier. Build it
// first, hand it to approval.New, then hand both to New.
type Notifier struct {
	client *slack.Client
	http   *http.Client
	log    *slog.Logger
	rd     renderer
	groups *groupCache
	now    func() time.Time
	// changed, set by the bot, is told of every request whose card was updated.
	changed atomic.Pointer[func(ctx context.Context, r *approval.Request)]
	// self is what auth.test says of the bot token (the workspace's URL, the bot's id), once read.
	self atomic.Pointer[slack.AuthTestResponse]
}

var (
	_ approval.Notifier   = (*Notifier)(nil)
	_ approval.Membership = (*Notifier)(nil)
)

// GroupsOf returns the ids and @handles of the Slack user groups user is in now (through the
// cache the bot decides with), so that the workflow can ask the policy again before a run.
func (n *Notifier) GroupsOf(ctx context.Context, user string) ([]string, error) {
	return n.groups.of(ctx, user)
}

// NewNotifier returns a Notifier posting with cfg.Client.
func NewNotifier(cfg NotifierConfig) (*Notifier, error) {
	if cfg.Client == nil {
		return nil, errors.New("bot: new notifier: no Slack client")
	}
	if cfg.Logger == nil {
		return nil, errors.New("bot: new notifier: no logger")
	}
	if cfg.CommandName == "" {
		cfg.CommandName = DefaultCommandName
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	n := &Notifier{
		client: cfg.Client,
		http:   cfg.HTTPClient,
		log:    cfg.Logger,
		groups: newGroupCache(cfg.Client, cfg.GroupCacheTTL, cfg.Now, cfg.Logger),
		now:    cfg.Now,
	}
	switch {
	case cfg.PermanentPasswordDMTTL == 0:
		cfg.PermanentPasswordDMTTL = DefaultPermanentPasswordDMTTL
	case cfg.PermanentPasswordDMTTL < 0:
		cfg.PermanentPasswordDMTTL = 0
	}
	n.rd = renderer{command: cfg.CommandName, dryRun: cfg.DryRun, groupID: n.groups.handleID, permanentDMTTL: cfg.PermanentPasswordDMTTL}
	return n, nil
}

// PostCard posts a new request's card in its channel. When the bot is not in the channel,
// notInChannel reports the error.
func (n *Notifier) PostCard(ctx context.Context, r *approval.Request) (approval.Thread, error) {
	n.freshGroups(ctx)
	m := n.rd.card(r)
	ch, ts, err := n.client.PostMessageContext(ctx, r.Channel, cardOptions(r, m)...)
	if notInChannel(err) {
		return approval.Thread{}, &approval.Error{Code: approval.ENOCHANNEL, Message: "The bot is not in this channel.",
			Err: fmt.Errorf("post the card of %s in %s: %w", r.ID, r.Channel, err)}
	}
	if err != nil {
		return approval.Thread{}, fmt.Errorf("post the card of %s in %s: %w", r.ID, r.Channel, err)
	}
	return approval.Thread{Channel: ch, TS: ts}, nil
}

// onChange sets who is told of every request whose card was updated.
func (n *Notifier) onChange(f func(ctx context.Context, r *approval.Request)) { n.changed.Store(&f) }

// tellChanged tells the bot that r's card was updated.
func (n *Notifier) tellChanged(ctx context.Context, r *approval.Request) {
	if f := n.changed.Load(); f != nil {
		(*f)(ctx, r)
	}
}

// workspaceURL is the workspace's URL ("https://example.slack.com/"), read with auth.test the
// first time and kept; "" while it cannot be read.
func (n *Notifier) workspaceURL(ctx context.Context) string {
	self, err := n.whoAmI(ctx)
	if err != nil || self.URL == "" {
		n.log.WarnContext(ctx, "reading the workspace's URL failed; links to cards name their channel", "err", err)
		return ""
	}
	return self.URL
}

// whoAmI is what auth.test says of the bot token, read the first time and kept.
func (n *Notifier) whoAmI(ctx context.Context) (*slack.AuthTestResponse, error) {
	if self := n.self.Load(); self != nil {
		return self, nil
	}
	resp, err := n.client.AuthTestContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("auth.test: %w", err)
	}
	n.self.Store(resp)
	return resp, nil
}

// Notify posts the step as a reply in the request's thread and updates the card to the
// request's state.
func (n *Notifier) Notify(ctx context.Context, r *approval.Request, nt approval.Notice) error {
	if nt.Kind == approval.NoticeReminder {
		n.freshGroups(ctx)
	}
	reply := n.rd.notice(r, nt)
	if r.Thread.TS == "" {
		if _, _, err := n.client.PostMessageContext(ctx, r.Channel, msgOptions(reply)...); err != nil {
			return fmt.Errorf("post the %s step of %s in %s: %w", nt.Kind, r.ID, r.Channel, err)
		}
		return nil
	}
	var errs []error
	opts := append(msgOptions(reply), slack.MsgOptionTS(r.Thread.TS))
	if _, _, err := n.client.PostMessageContext(ctx, r.Thread.Channel, opts...); err != nil {
		errs = append(errs, fmt.Errorf("reply with the %s step of %s: %w", nt.Kind, r.ID, err))
	}
	if !nt.CardDrawn {
		errs = append(errs, n.UpdateCard(ctx, r))
	}
	return errors.Join(errs...)
}

// UpdateCard draws the request's card again as r is now.
func (n *Notifier) UpdateCard(ctx context.Context, r *approval.Request) error {
	card := n.rd.card(r)
	_, _, _, err := n.client.UpdateMessageContext(ctx, r.Thread.Channel, r.Thread.TS, cardOptions(r, card)...)
	n.tellChanged(ctx, r)
	if err != nil {
		return fmt.Errorf("update the card of %s: %w", r.ID, err)
	}
	return nil
}

// directMessage posts m in the bot's direct-message channel with user.
func (n *Notifier) directMessage(ctx context.Context, user string, m message) error {
	_, _, err := n.postDirect(ctx, user, m)
	return err
}

// postDirect posts m in the bot's direct-message channel with user, and returns where.
func (n *Notifier) postDirect(ctx context.Context, user string, m message) (channel, ts string, err error) {
	ch, _, _, err := n.client.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
	if err != nil {
		return "", "", fmt.Errorf("open a direct message: %w", err)
	}
	_, ts, err = n.client.PostMessageContext(ctx, ch.ID, msgOptions(m)...)
	if err != nil {
		return "", "", fmt.Errorf("post a direct message: %w", err)
	}
	return ch.ID, ts, nil
}

// deleteLater deletes the bot's message at channel/ts after the permanent-password TTL. The
// timer lives in this process only: a restart before then leaves the message in place.
func (n *Notifier) deleteLater(channel, ts, requestID string) {
	time.AfterFunc(n.rd.permanentDMTTL, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, _, err := n.client.DeleteMessageContext(ctx, channel, ts); err != nil {
			n.log.WarnContext(ctx, "deleting the direct message with a permanent password failed", "request_id", requestID, "err", err)
			return
		}
		n.log.InfoContext(ctx, "direct message with a permanent password deleted", "request_id", requestID)
	})
}

// freshGroups refreshes the user groups so that approver handles render as mentions; a
// failure only costs the mention.
func (n *Notifier) freshGroups(ctx context.Context) {
	if err := n.groups.refresh(ctx); err != nil {
		n.log.WarnContext(ctx, "reading Slack user groups for mentions failed", "err", err)
	}
}

func msgOptions(m message) []slack.MsgOption {
	return []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...)}
}

// notInChannelCodes are Slack's errors for a channel the bot cannot post in.
var notInChannelCodes = map[string]bool{"not_in_channel": true, "channel_not_found": true}

// notInChannel reports whether err is Slack refusing a post because the bot is not in the
// channel (or cannot see it, as with a private channel it was not invited to).
func notInChannel(err error) bool {
	var se slack.SlackErrorResponse
	return errors.As(err, &se) && notInChannelCodes[se.Err]
}
