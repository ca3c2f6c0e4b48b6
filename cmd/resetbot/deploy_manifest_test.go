package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
)

// slackCall is what calling a *slack.Client method means for the app's scopes.
type slackCall struct {
	method string   // the Web API method, "" when the call makes none
	scopes []string // bot scopes it needs
}

// slackCalls maps the *slack.Client methods the bot may call to the Web API method and the bot
// scopes each needs. A bot call missing here fails TestManifestScopesAreTheOnesTheBotUses:
// add it with the scopes Slack's documentation lists for the method.
var slackCalls = map[string]slackCall{
	"PostMessageContext":         {"chat.postMessage", []string{"chat:write"}},
	"SendMessageContext":         {"chat.postMessage", []string{"chat:write"}},
	"UpdateMessageContext":       {"chat.update", []string{"chat:write"}},
	"PostEphemeralContext":       {"chat.postEphemeral", []string{"chat:write"}},
	"DeleteMessageContext":       {"chat.delete", []string{"chat:write"}},
	"OpenConversationContext":    {"conversations.open", []string{"im:write"}},
	"GetConversationInfoContext": {"conversations.info", []string{"channels:read", "groups:read"}},
	// The bot reads the history of public and private channels only (cards are posted there).
	"GetConversationHistoryContext": {"conversations.history", []string{"channels:history", "groups:history"}},
	"GetUserInfoContext":            {"users.info", []string{"users:read"}},
	"GetUserPresenceContext":        {"users.getPresence", []string{"users:read"}},
	"GetBotInfoContext":             {"bots.info", []string{"users:read"}},
	"GetUserGroupsContext":          {"usergroups.list", []string{"usergroups:read"}},
	"GetUserGroupMembersContext":    {"usergroups.users.list", []string{"usergroups:read"}},
	"OpenViewContext":               {"views.open", nil},
	"PushViewContext":               {"views.push", nil},
	"UpdateViewContext":             {"views.update", nil},
	"PublishViewContext":            {"views.publish", nil},
	"AuthTestContext":               {"auth.test", nil},
	// apps.connections.open takes the app-level token (connections:write), not a bot scope.
	"StartSocketModeContext": {"apps.connections.open", nil},
	// Not Web API calls: names the bot uses on other types (a *slog.Logger's Debug).
	"Debug":   {},
	"Debugf":  {},
	"Debugln": {},
}

// scopesTheBotUses derives the bot scopes from the bot package's source: every call of a
// *slack.Client method name, and the slash command it answers.
func scopesTheBotUses(t *testing.T) []string {
	t.Helper()
	clientMethods := map[string]bool{}
	ct := reflect.TypeFor[*slack.Client]()
	for i := range ct.NumMethod() {
		clientMethods[ct.Method(i).Name] = true
	}

	files, err := filepath.Glob("../../bot/*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	scopes := map[string]bool{}
	calls := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok || !clientMethods[sel.Sel.Name] {
					return true
				}
				call, known := slackCalls[sel.Sel.Name]
				if !known {
					t.Errorf("%s calls slack.Client.%s, which slackCalls does not map to its scopes", fset.Position(n.Pos()), sel.Sel.Name)
				}
				if call.method != "" {
					calls[call.method] = true
				}
				for _, s := range call.scopes {
					scopes[s] = true
				}
			case *ast.KeyValueExpr:
				// The route of slash command envelopes: the bot answers its slash command.
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "envelopeSlashCommands" {
					scopes["commands"] = true
				}
			}
			return true
		})
	}
	if len(calls) == 0 {
		t.Fatal("found no Slack Web API call in ../../bot")
	}
	t.Logf("Web API methods the bot calls: %v", slices.Sorted(func(yield func(string) bool) {
		for m := range calls {
			if !yield(m) {
				return
			}
		}
	}))
	out := make([]string, 0, len(scopes))
	for s := range scopes {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// slackManifest is the part of the app manifest these tests read.
type slackManifest struct {
	Features struct {
		AppHome struct {
			HomeTabEnabled bool `yaml:"home_tab_enabled"`
		} `yaml:"app_home"`
		BotUser struct {
			DisplayName string `yaml:"display_name"`
		} `yaml:"bot_user"`
		SlashCommands []struct {
			Command      string `yaml:"command"`
			Description  string `yaml:"description"`
			ShouldEscape bool   `yaml:"should_escape"`
			URL          string `yaml:"url"`
		} `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuthConfig struct {
		Scopes struct {
			Bot  []string `yaml:"bot"`
			User []string `yaml:"user"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		Interactivity struct {
			IsEnabled  bool   `yaml:"is_enabled"`
			RequestURL string `yaml:"request_url"`
		} `yaml:"interactivity"`
		SocketModeEnabled  bool `yaml:"socket_mode_enabled"`
		EventSubscriptions *struct {
			RequestURL string   `yaml:"request_url"`
			BotEvents  []string `yaml:"bot_events"`
			UserEvents []string `yaml:"user_events"`
		} `yaml:"event_subscriptions"`
	} `yaml:"settings"`
}

func TestManifestScopesAreTheOnesTheBotUses(t *testing.T) {
	var m slackManifest
	readYAML(t, "../../deploy/slack-app-manifest.yaml", &m)

	manifest := slices.Sorted(slices.Values(m.OAuthConfig.Scopes.Bot))
	derived := scopesTheBotUses(t)
	if diff := cmp.Diff(manifest, derived); diff != "" {
		t.Errorf("manifest bot scopes vs the scopes the bot's Slack calls need (-manifest +derived):\n%s", diff)
	}
	if diff := cmp.Diff(slices.Sorted(slices.Values(botScopes)), derived); diff != "" {
		t.Errorf("botScopes (what check asks of the token) vs derived (-botScopes +derived):\n%s", diff)
	}
	if len(m.OAuthConfig.Scopes.User) != 0 {
		t.Errorf("the manifest asks for user scopes %v; the bot uses none", m.OAuthConfig.Scopes.User)
	}
}

func TestManifestIsSocketModeWithTheCommand(t *testing.T) {
	var m slackManifest
	readYAML(t, "../../deploy/slack-app-manifest.yaml", &m)
	if !m.Settings.SocketModeEnabled {
		t.Error("socket_mode_enabled is not true")
	}
	if !m.Settings.Interactivity.IsEnabled || m.Settings.Interactivity.RequestURL != "" {
		t.Errorf("interactivity %+v: want enabled with no request URL (Socket Mode)", m.Settings.Interactivity)
	}
	// The bot handles one event, app_home_opened, for the Home tab it turns on.
	if es := m.Settings.EventSubscriptions; es == nil || !slices.Equal(es.BotEvents, []string{"app_home_opened"}) ||
		len(es.UserEvents) != 0 || es.RequestURL != "" {
		t.Errorf("event subscriptions %+v: want the bot event app_home_opened alone, with no request URL (Socket Mode)", es)
	}
	if !m.Features.AppHome.HomeTabEnabled {
		t.Error("the Home tab is not enabled; the bot publishes one")
	}
	clearEnv(t)
	setEnv(t, validEnv())
	cfg, err := LoadConfig()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Features.SlashCommands) != 1 {
		t.Fatalf("%d slash commands, want 1", len(m.Features.SlashCommands))
	}
	sc := m.Features.SlashCommands[0]
	if sc.Command != cfg.Command || sc.URL != "" || sc.Description == "" {
		t.Errorf("slash command %+v: want %s (RESETBOT_COMMAND's default), a description, no URL", sc, cfg.Command)
	}
	if m.Features.BotUser.DisplayName == "" {
		t.Error("no bot user display name")
	}
}

// manifestSchema is Slack's app manifest schema (version 1) for every field the manifest may
// set here; decoding strictly refuses a misspelled or misplaced field, which Slack would refuse
// when the manifest is pasted.
type manifestSchema struct {
	DisplayInformation struct {
		Name            string `yaml:"name"`
		Description     string `yaml:"description"`
		BackgroundColor string `yaml:"background_color"`
		LongDescription string `yaml:"long_description"`
	} `yaml:"display_information"`
	Features struct {
		AppHome *struct {
			HomeTabEnabled             bool `yaml:"home_tab_enabled"`
			MessagesTabEnabled         bool `yaml:"messages_tab_enabled"`
			MessagesTabReadOnlyEnabled bool `yaml:"messages_tab_read_only_enabled"`
		} `yaml:"app_home"`
		BotUser *struct {
			DisplayName  string `yaml:"display_name"`
			AlwaysOnline bool   `yaml:"always_online"`
		} `yaml:"bot_user"`
		SlashCommands []struct {
			Command      string `yaml:"command"`
			URL          string `yaml:"url"`
			Description  string `yaml:"description"`
			UsageHint    string `yaml:"usage_hint"`
			ShouldEscape *bool  `yaml:"should_escape"`
		} `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuthConfig struct {
		Scopes struct {
			Bot  []string `yaml:"bot"`
			User []string `yaml:"user"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		Interactivity *struct {
			IsEnabled  *bool  `yaml:"is_enabled"`
			RequestURL string `yaml:"request_url"`
		} `yaml:"interactivity"`
		EventSubscriptions *struct {
			RequestURL            string   `yaml:"request_url"`
			BotEvents             []string `yaml:"bot_events"`
			UserEvents            []string `yaml:"user_events"`
			MetadataSubscriptions []struct {
				AppID     string `yaml:"app_id"`
				EventType string `yaml:"event_type"`
			} `yaml:"metadata_subscriptions"`
		} `yaml:"event_subscriptions"`
		OrgDeployEnabled     *bool `yaml:"org_deploy_enabled"`
		SocketModeEnabled    *bool `yaml:"socket_mode_enabled"`
		TokenRotationEnabled *bool `yaml:"token_rotation_enabled"`
	} `yaml:"settings"`
}

// TestManifestFollowsSlacksSchema holds the manifest to the fields, lengths and patterns of
// Slack's manifest schema, so that it is accepted in one paste, and to the settings the bot
// depends on.
func TestManifestFollowsSlacksSchema(t *testing.T) {
	data, err := os.ReadFile("../../deploy/slack-app-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m manifestSchema
	if err := yaml.UnmarshalWithOptions(data, &m, yaml.Strict()); err != nil {
		t.Fatalf("the manifest has a field Slack's schema does not:\n%v", err)
	}

	length := func(field, s string, lo, hi int) {
		t.Helper()
		if n := utf8.RuneCountInString(s); n < lo || n > hi {
			t.Errorf("%s is %d characters; Slack's schema wants %d to %d", field, n, lo, hi)
		}
	}
	di := m.DisplayInformation
	length("display_information.name", di.Name, 1, 35)
	length("display_information.description", di.Description, 1, 140)
	if di.LongDescription != "" {
		length("display_information.long_description", di.LongDescription, 175, 4000)
	}
	if di.BackgroundColor != "" && !regexp.MustCompile(`^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$`).MatchString(di.BackgroundColor) {
		t.Errorf("display_information.background_color %q is not #rgb or #rrggbb", di.BackgroundColor)
	}
	if m.Features.BotUser == nil {
		t.Fatal("features.bot_user is missing: the app would have no bot user and no xoxb- token")
	}
	length("features.bot_user.display_name", m.Features.BotUser.DisplayName, 1, 80)
	for i, sc := range m.Features.SlashCommands {
		field := fmt.Sprintf("features.slash_commands[%d]", i)
		length(field+".command", sc.Command, 2, 32)
		if !strings.HasPrefix(sc.Command, "/") {
			t.Errorf("%s.command %q does not start with /", field, sc.Command)
		}
		length(field+".description", sc.Description, 1, 2000)
		if sc.UsageHint != "" {
			length(field+".usage_hint", sc.UsageHint, 1, 1000)
		}
		// The command parser reads what people typed: Slack sends it with &, < and > as
		// entities and, with should_escape off, mentions and links as typed. Escaping on
		// would turn text into <@U…|name> and <mailto:…|…> forms the options do not expect.
		if sc.ShouldEscape == nil || *sc.ShouldEscape {
			t.Errorf("%s.should_escape is %s; want false, written out: the parser reads the text as typed", field, showBool(sc.ShouldEscape))
		}
	}
	for _, s := range append(slices.Clone(m.OAuthConfig.Scopes.Bot), m.OAuthConfig.Scopes.User...) {
		length("scope "+s, s, 1, 50)
	}

	st := m.Settings
	if st.Interactivity == nil || st.Interactivity.IsEnabled == nil {
		t.Error("settings.interactivity.is_enabled is missing; Slack's schema requires it")
	}
	for name, v := range map[string]struct {
		got  *bool
		want bool
		why  string
	}{
		"socket_mode_enabled":    {st.SocketModeEnabled, true, "the bot connects out over Socket Mode and has no public URL"},
		"token_rotation_enabled": {st.TokenRotationEnabled, false, "the bot does not refresh tokens; rotated tokens expire after 12 hours"},
		"org_deploy_enabled":     {st.OrgDeployEnabled, false, "the app is installed per workspace; the policy names the workspaces"},
	} {
		if v.got == nil || *v.got != v.want {
			t.Errorf("settings.%s is %s, want %v: %s", name, showBool(v.got), v.want, v.why)
		}
	}
}

// showBool shows an optional manifest boolean.
func showBool(b *bool) string {
	if b == nil {
		return "missing"
	}
	return fmt.Sprint(*b)
}
