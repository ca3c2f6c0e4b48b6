package slacktest_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/internal/slacktest"
)

// homeView is a Home tab with one section.
func homeView(text string) slack.HomeTabViewRequest {
	return slack.HomeTabViewRequest{
		Type:       slack.VTHomeTab,
		CallbackID: "home",
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil),
		}},
	}
}

func TestViewsPublish(t *testing.T) {
	srv := newServer(t)
	web := api(srv)
	ctx := testCtx(t)
	if _, ok := srv.Home(alice); ok {
		t.Fatal("alice has a Home tab before the app published one")
	}
	first, err := web.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: alice, View: homeView("*Waiting for you*: nothing")})
	must(t, err, "views.publish")
	if first.Type != slack.VTHomeTab || first.ID == "" || first.Hash == "" || first.CallbackID != "home" {
		t.Errorf("published view = %+v", first.View)
	}
	home, ok := srv.Home(alice)
	if !ok || home.Type != "home" || home.ID != first.ID || !strings.Contains(home.Content(), "Waiting for you") {
		t.Errorf("alice's Home tab = %+v", home)
	}
	if vs := srv.Views(alice); len(vs) != 0 {
		t.Errorf("a Home tab shows as a modal: %+v", vs)
	}

	// A second publish replaces the view in place; a stale hash is refused.
	stale := "stale-hash"
	if _, err := web.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: alice, View: homeView("x"), Hash: &stale}); err == nil || err.Error() != "hash_conflict" {
		t.Errorf("publish with a stale hash: %v, want hash_conflict", err)
	}
	second, err := web.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: alice, View: homeView("*Waiting for you*: one request"), Hash: &first.Hash})
	must(t, err, "views.publish again")
	if second.ID != first.ID || second.Hash == first.Hash {
		t.Errorf("republished view = %+v, want id %s with a new hash", second.View, first.ID)
	}
	if home, _ := srv.Home(alice); !strings.Contains(home.Content(), "one request") {
		t.Errorf("alice's Home tab after the second publish:\n%s", home.Content())
	}
	if _, ok := srv.Home(bob); ok {
		t.Error("bob sees a Home tab published for alice")
	}

	for name, tt := range map[string]struct {
		user string
		view slack.HomeTabViewRequest
		want string
	}{
		"a modal":      {alice, slack.HomeTabViewRequest{Type: slack.VTModal}, "invalid_arguments"},
		"unknown user": {"U0NOBODY", homeView("x"), "user_not_found"},
		"no user":      {"", homeView("x"), ""},
		"too many blocks": {alice, func() slack.HomeTabViewRequest {
			v := homeView("x")
			for range 100 {
				v.Blocks.BlockSet = append(v.Blocks.BlockSet, slack.NewDividerBlock())
			}
			return v
		}(), "invalid_arguments"},
	} {
		_, err := web.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: tt.user, View: tt.view})
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: publish = %v, want %q", name, err, tt.want)
		}
	}
}

func TestOpenAppHomeSendsTheEvent(t *testing.T) {
	srv := newServer(t)
	c, _ := dialRaw(t, srv)
	open := func() homeOpened {
		t.Helper()
		done := make(chan error, 1)
		go func() {
			_, err := srv.OpenAppHome(testCtx(t), alice)
			done <- err
		}()
		env := c.next(t)
		c.ack(t, env.EnvelopeID, nil)
		must(t, <-done, "OpenAppHome")
		if env.Type != slacktest.TypeEventsAPI {
			t.Fatalf("envelope type %q, want events_api", env.Type)
		}
		var p struct {
			Type  string     `json:"type"`
			Event homeOpened `json:"event"`
		}
		must(t, json.Unmarshal(env.Payload, &p), "payload %s", env.Payload)
		if p.Type != "event_callback" {
			t.Errorf("payload type %q, want event_callback", p.Type)
		}
		return p.Event
	}
	first := open()
	want := homeOpened{Type: "app_home_opened", User: alice, Channel: srv.IMChannel(alice), Tab: "home", EventTS: first.EventTS}
	if diff := cmp.Diff(want, first); diff != "" || first.EventTS == "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
	published, err := api(srv).PublishViewContext(testCtx(t), slack.PublishViewContextRequest{UserID: alice, View: homeView("hello")})
	must(t, err, "views.publish")
	if again := open(); again.View == nil || again.View.ID != published.ID || again.View.Hash != published.Hash {
		t.Errorf("the event after a publish carries view %+v, want %s", again.View, published.ID)
	}
	if _, err := srv.OpenAppHome(testCtx(t), "U0NOBODY"); err == nil {
		t.Error("an unknown user opened the Home tab")
	}
}

// homeOpened is an app_home_opened event as Slack sends it.
type homeOpened struct {
	Type    string `json:"type"`
	User    string `json:"user"`
	Channel string `json:"channel"`
	Tab     string `json:"tab"`
	EventTS string `json:"event_ts"`
	View    *struct {
		ID   string `json:"id"`
		Hash string `json:"hash"`
		Type string `json:"type"`
	} `json:"view,omitempty"`
}
