package bot

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/secret"
	"github.com/resetbot/resetbot/policy"
)

var fixedTime = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func testRenderer() renderer {
	return renderer{
		command: "/cognito",
		groupID: func(h string) (string, bool) {
			if strings.EqualFold(h, "@support-leads") {
				return "S0LEADS", true
			}
			return "", false
		},
	}
}

func fixtureRequest() *approval.Request {
	return &approval.Request{
		ID:         "r-7f3k2q9x",
		Version:    1,
		State:      approval.StatePending,
		Team:       "T0RESETBOT",
		Channel:    "C0SUPPORT",
		Requester:  "U0ALICE",
		Pool:       policy.Pool{Name: "prod", ID: "eu-west-1_AbCdEf123", Region: "eu-west-1"},
		Action:     policy.ActionReset,
		Reason:     "locked out after a phone change",
		Ticket:     "SUP-123",
		VerifiedBy: "video call",
		Target: approval.Target{
			Ref: "carol@example.com", Username: "carol", Sub: "5f0c2a4e-0000-4000-8000-000000000001",
			Status: "CONFIRMED", Enabled: true, EmailMasked: "c***l@example.com", EmailVerified: true,
			PhoneMasked: "+1******0123", Groups: []string{"customers"},
		},
		Rule:            "prod-reset",
		ApprovalsNeeded: 1,
		Approvers:       []string{"@support-leads", "U0BOB"},
		CreatedAt:       fixedTime,
		UpdatedAt:       fixedTime,
		ExpiresAt:       fixedTime.Add(time.Hour),
		Recent:          2,
		Thread:          approval.Thread{Channel: "C0SUPPORT", TS: "1772445600.000100"},
	}
}

func TestGoldenCards(t *testing.T) {
	approved := []approval.Approval{{By: "U0BOB", At: fixedTime.Add(time.Minute)}}
	tests := []struct {
		name   string
		dryRun bool
		edit   func(r *approval.Request)
	}{
		{"pending", false, func(*approval.Request) {}},
		{"pending two approvals one given", false, func(r *approval.Request) {
			r.ApprovalsNeeded, r.Approvals, r.SelfApproval, r.SignOut = 2, approved, true, true
			r.Action = policy.ActionPermanentPassword
		}},
		{"pending reset no verified contact", false, func(r *approval.Request) { r.Target.EmailVerified = false }},
		{"pending reset no contact at all", false, func(r *approval.Request) {
			r.Target.EmailMasked, r.Target.EmailVerified, r.Target.PhoneMasked = "", false, ""
		}},
		{"approved", false, func(r *approval.Request) { r.State, r.Approvals = approval.StateApproved, approved }},
		{"running", false, func(r *approval.Request) { r.State, r.Approvals = approval.StateRunning, approved }},
		{"succeeded", false, func(r *approval.Request) {
			r.State, r.Approvals, r.AWSRequestID = approval.StateSucceeded, approved, "0f8fad5b-d9cb-469f-a165-70867728950e"
			r.Outcome = "The password is reset; Cognito sent a code to c***l@example.com."
		}},
		{"failed", false, func(r *approval.Request) {
			r.State, r.Approvals, r.ErrorCode = approval.StateFailed, approved, approval.ENOVERIFIEDCONTACT
			r.Outcome = "The user has no verified email or phone number, so Cognito cannot send a reset code."
		}},
		{"denied", false, func(r *approval.Request) {
			r.State, r.DecidedBy, r.DenyReason = approval.StateDenied, "U0BOB", "call the user back first"
		}},
		{"cancelled", false, func(r *approval.Request) { r.State, r.DecidedBy = approval.StateCancelled, "U0ALICE" }},
		{"expired", false, func(r *approval.Request) { r.State = approval.StateExpired }},
		{"interrupted", false, func(r *approval.Request) {
			r.State, r.Approvals = approval.StateInterrupted, approved
			r.Outcome = "The run's lease ran out at 10:03 UTC."
		}},
		{"no approval needed", false, func(r *approval.Request) {
			r.State, r.ApprovalsNeeded, r.Approvers = approval.StateSucceeded, 0, nil
			r.Action, r.Outcome = policy.ActionSignOut, "Signed out of every session."
		}},
		{"dry run pending", true, func(*approval.Request) {}},
		{"dry run succeeded", true, func(r *approval.Request) {
			r.State, r.Approvals, r.DryRun = approval.StateSucceeded, approved, true
			r.Outcome = "DRY RUN: the password would be reset."
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := testRenderer()
			rd.dryRun = tt.dryRun
			r := fixtureRequest()
			tt.edit(r)
			golden(t, goldenName("card", tt.name), rd.card(r))
		})
	}
}

func TestGoldenNotices(t *testing.T) {
	approved := []approval.Approval{{By: "U0BOB", At: fixedTime.Add(time.Minute)}}
	tests := []struct {
		name   string
		dryRun bool
		state  approval.State
		notice approval.Notice
	}{
		{"approved", false, approval.StatePending, approval.Notice{Kind: approval.NoticeApproved, Actor: "U0BOB", Text: "Approved (1 of 2). Waiting for 1 more approval."}},
		{"approved without text", false, approval.StatePending, approval.Notice{Kind: approval.NoticeApproved, Actor: "U0BOB"}},
		{"denied", false, approval.StateDenied, approval.Notice{Kind: approval.NoticeDenied, Actor: "U0BOB", Text: "Denied: not verified <!channel>. Nothing was changed."}},
		{"denied without text", false, approval.StateDenied, approval.Notice{Kind: approval.NoticeDenied, Actor: "U0BOB"}},
		{"cancelled", false, approval.StateCancelled, approval.Notice{Kind: approval.NoticeCancelled, Actor: "U0ALICE"}},
		{"expired", false, approval.StateExpired, approval.Notice{Kind: approval.NoticeExpired}},
		{"reminder", false, approval.StatePending, approval.Notice{Kind: approval.NoticeReminder, Text: "Still waiting for 1 approval. It expires in 30 minutes."}},
		{"running", false, approval.StateRunning, approval.Notice{Kind: approval.NoticeRunning}},
		{"succeeded", false, approval.StateSucceeded, approval.Notice{Kind: approval.NoticeSucceeded,
			Text: "Cognito sent a code to c***l@example.com. Tell the user to sign in, choose \"Forgot password\" and enter the code."}},
		{"failed", false, approval.StateFailed, approval.Notice{Kind: approval.NoticeFailed,
			Text: "The user has no verified email or phone number, so Cognito cannot send a reset code."}},
		{"failed with follow-up", false, approval.StateFailed, approval.Notice{Kind: approval.NoticeFailed,
			Text: "The user has no verified email or phone number.", FollowUp: policy.ActionVerifyEmail}},
		{"interrupted", false, approval.StateInterrupted, approval.Notice{Kind: approval.NoticeInterrupted}},
		{"dry run succeeded", true, approval.StateSucceeded, approval.Notice{Kind: approval.NoticeSucceeded, Text: "Nothing was changed."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := testRenderer()
			rd.dryRun = tt.dryRun
			r := fixtureRequest()
			r.State = tt.state
			if tt.notice.Kind == approval.NoticeApproved {
				r.Approvals = approved
			}
			if tt.state == approval.StateDenied {
				r.DecidedBy, r.DenyReason = "U0BOB", "not verified <!channel>"
			}
			golden(t, goldenName("notice", tt.name), rd.notice(r, tt.notice))
		})
	}
}

func TestGoldenAnswers(t *testing.T) {
	rd := testRenderer()
	r := fixtureRequest()
	may := []PoolActions{
		{Pool: policy.Pool{Name: "prod", ID: "eu-west-1_AbCdEf123", Region: "eu-west-1"}, Actions: []policy.Action{policy.ActionStatus, policy.ActionReset}},
		{Pool: policy.Pool{Name: "staging", ID: "eu-west-1_Stage1", Region: "eu-west-1"}, Actions: policy.Actions},
	}
	checks := []policy.IdentityCheck{{Name: "callback", Description: "called back the number on file"}, {Name: "video-call"}}
	done := fixtureRequest()
	done.ID, done.State, done.CreatedAt = "r-older", approval.StateDenied, fixedTime.Add(-48*time.Hour)
	dry := rd
	dry.dryRun = true
	report := approval.StatusReport{
		Pool: r.Pool, Target: r.Target, Enabled: true, Recent: 3,
		Created: fixedTime.Add(-90 * 24 * time.Hour), Modified: fixedTime.Add(-time.Hour),
	}
	temporary := approval.Secret{Password: secret.New("Xy7&<pass>"), ValidDays: 7, Advice: "Sign in with it; you will be asked to choose a new one."}
	permanent := approval.Secret{Password: secret.New("Pq9-permanent")}
	tests := []struct {
		name string
		msg  any
	}{
		{"help", rd.help(may, checks)},
		{"help nothing allowed", rd.help(nil, nil)},
		{"help dry run", dry.help(may[:1], nil)},
		{"parse error", rd.parseError(&ParseError{Msg: "unknown option --force; the options are --pool, --ticket, --verified-by and --signout"})},
		{"failure validation", rd.failure(&approval.ValidationError{Fields: map[string]string{"ticket": "rule prod-reset needs a ticket", "verified_by": "say how you verified them"}})},
		{"failure domain", rd.failure(approval.Errorf(approval.ENOTFOUND, "No user <!channel> in pool prod."))},
		{"failure unknown", rd.failure(errors.New("dial tcp 10.0.0.1:443: secret detail"))},
		{"not allowed", rd.notAllowed(approval.Errorf(approval.EFORBIDDEN, "You may not approve your own request."))},
		{"invite me", rd.inviteMe("C0SECRET")},
		{"secret temporary", rd.secret(r, temporary, viaEphemeral)},
		{"secret permanent", rd.secret(r, permanent, viaEphemeral)},
		{"secret temporary direct message", rd.secret(r, temporary, viaDirectMessage)},
		{"secret permanent direct message", rd.secret(r, permanent, viaDirectMessage)},
		{"status", rd.status(report)},
		{"status dry run", dry.status(report)},
		{"history", rd.history("carol", []*approval.Request{r, done})},
		{"history empty", rd.history("carol", nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { golden(t, goldenName("answer", tt.name), tt.msg) })
	}
}

func TestGoldenModals(t *testing.T) {
	rd := testRenderer()
	one := []PoolActions{{Pool: policy.Pool{Name: "prod", ID: "eu-west-1_AbCdEf123"}, Actions: []policy.Action{policy.ActionTempPassword, policy.ActionReset}}}
	two := append(one, PoolActions{Pool: policy.Pool{Name: "staging", ID: "eu-west-1_Stage1"}, Actions: []policy.Action{policy.ActionSignOut, policy.ActionStatus}})
	dry := rd
	dry.dryRun = true
	for name, build := range map[string]func() (slack.ModalViewRequest, error){
		"request one pool": func() (slack.ModalViewRequest, error) {
			return rd.requestModal(one, nil, requestMeta{Channel: "C0SUPPORT", ResponseURL: "https://hooks.example/commands/1"}, requestPreset{})
		},
		"request two pools identity checks": func() (slack.ModalViewRequest, error) {
			return rd.requestModal(two, []policy.IdentityCheck{{Name: "callback", Description: "called back the number on file"}, {Name: "video-call"}}, requestMeta{Channel: "C0SUPPORT"}, requestPreset{})
		},
		"request dry run": func() (slack.ModalViewRequest, error) {
			return dry.requestModal(one, nil, requestMeta{Channel: "C0SUPPORT"}, requestPreset{})
		},
		"deny": func() (slack.ModalViewRequest, error) {
			return rd.denyModal(denyMeta{Request: "r-7f3k2q9x", Channel: "C0SUPPORT"}, "Deny "+rd.ask(fixtureRequest()))
		},
	} {
		t.Run(name, func(t *testing.T) {
			v, err := build()
			if err != nil {
				t.Fatal(err)
			}
			golden(t, goldenName("modal", name), v)
		})
	}
}

// TestUserTextIsEscaped puts mention and link syntax in every user-typed field and checks
// that none of it survives as markup anywhere a card, a reply or an answer shows it.
func TestUserTextIsEscaped(t *testing.T) {
	const evil = "<!channel> <@U0EVIL> <!subteam^S0EVIL> <https://evil.example|click> &amp;"
	rd := testRenderer()
	r := fixtureRequest()
	r.Reason, r.Ticket, r.VerifiedBy, r.DenyReason, r.Outcome = evil, evil, evil, evil, evil
	r.Target.Ref, r.Target.Username, r.Target.Status = evil, evil, evil
	r.Target.Groups = []string{evil}
	r.Pool.Name = evil
	r.Approvers = []string{evil, "@" + evil}
	var rendered []any
	for s := range stateStyles {
		r := *r
		r.State = s
		rendered = append(rendered, rd.card(&r))
	}
	for k := range noticeStyles {
		rendered = append(rendered, rd.notice(r, approval.Notice{Kind: k, Text: evil, FollowUp: policy.ActionVerifyEmail}))
	}
	rendered = append(rendered,
		rd.failure(approval.Errorf(approval.EINVALID, "%s", evil)),
		rd.failure(&approval.ValidationError{Fields: map[string]string{evil: evil}}),
		rd.notAllowed(approval.Errorf(approval.EFORBIDDEN, "%s", evil)),
		rd.parseError(&ParseError{Msg: evil}),
		rd.secret(r, approval.Secret{Password: secret.New(evil), Advice: evil, ValidDays: 1}, viaEphemeral),
		rd.secret(r, approval.Secret{Password: secret.New(evil), Advice: evil, ValidDays: 1}, viaDirectMessage),
		rd.status(approval.StatusReport{Pool: r.Pool, Target: r.Target}),
		rd.history(evil, []*approval.Request{r}),
		rd.help([]PoolActions{{Pool: r.Pool, Actions: []policy.Action{policy.ActionReset}}}, []policy.IdentityCheck{{Name: evil, Description: evil}}),
	)
	for i, m := range rendered {
		js := string(goldenJSON(t, m))
		for _, bad := range []string{"<!channel>", "<@U0EVIL>", "<!subteam^S0EVIL>", "<https://evil", "<!subteam^" + evil} {
			if strings.Contains(js, bad) {
				t.Errorf("rendering %d holds %q unescaped:\n%s", i, bad, js)
			}
		}
	}
}

func TestMentionApprover(t *testing.T) {
	rd := testRenderer()
	tests := []struct{ in, want string }{
		{"U0BOB", "<@U0BOB>"},
		{"W0ENTERPRISE", "<@W0ENTERPRISE>"},
		{"S0GROUP", "<!subteam^S0GROUP>"},
		{"@support-leads", "<!subteam^S0LEADS>"},
		{"@Support-Leads", "<!subteam^S0LEADS>"},
		{"@unknown", "@unknown"},
		{"u0lower", "u0lower"},
		{"U0<!here>", "U0&lt;!here&gt;"},
	}
	for _, tt := range tests {
		if got := rd.mentionApprover(tt.in); got != tt.want {
			t.Errorf("mentionApprover(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got, want := rd.approverList([]string{"U1A", "U2B", "S3C"}), "<@U1A>, <@U2B> or <!subteam^S3C>"; got != want {
		t.Errorf("approverList = %q, want %q", got, want)
	}
}

func TestFollowUpValue(t *testing.T) {
	a, id, ok := parseFollowUpValue(followUpValue(policy.ActionVerifyEmail, "r-1"))
	if !ok || a != policy.ActionVerifyEmail || id != "r-1" {
		t.Errorf("round trip = %q %q %v", a, id, ok)
	}
	for _, bad := range []string{"", "verify-email", "verify-email:", "status:r-1", "nope:r-1"} {
		if _, _, ok := parseFollowUpValue(bad); ok {
			t.Errorf("parseFollowUpValue(%q) accepted", bad)
		}
	}
}

func TestReadRequestForm(t *testing.T) {
	state := func(pool, target, action, reason, ticket, verified string, signout bool) *slack.ViewState {
		v := map[string]map[string]slack.BlockAction{
			fieldPool:       {fieldPool: {SelectedOption: slack.OptionBlockObject{Value: pool}}},
			fieldTarget:     {fieldTarget: {Value: target}},
			fieldAction:     {fieldAction: {SelectedOption: slack.OptionBlockObject{Value: action}}},
			fieldReason:     {fieldReason: {Value: reason}},
			fieldTicket:     {fieldTicket: {Value: ticket}},
			fieldVerifiedBy: {fieldVerifiedBy: {Value: verified}},
		}
		if signout {
			v[fieldSignOut] = map[string]slack.BlockAction{fieldSignOut: {SelectedOptions: []slack.OptionBlockObject{{Value: "yes"}}}}
		}
		return &slack.ViewState{Values: v}
	}
	tests := []struct {
		name     string
		state    *slack.ViewState
		want     requestForm
		wantErrs map[string]string
	}{
		{
			"complete", state("prod", " carol@example.com ", "reset", "line one\nline two", "SUP-1", "video call", true),
			requestForm{Pool: "prod", Target: "carol@example.com", Action: policy.ActionReset, Reason: "line one\nline two", Ticket: "SUP-1", VerifiedBy: "video call", SignOut: true},
			map[string]string{},
		},
		{
			"empty", &slack.ViewState{}, requestForm{},
			map[string]string{fieldPool: "Choose a pool.", fieldTarget: "Type a username, email or sub.", fieldAction: "Choose an action."},
		},
		{"nil state", nil, requestForm{}, map[string]string{fieldPool: "Choose a pool.", fieldTarget: "Type a username, email or sub.", fieldAction: "Choose an action."}},
		{
			"control characters", state("prod", "car\u202eol", "reset", "ok\ttab", "T\n1", "", false),
			requestForm{Pool: "prod", Target: "car\u202eol", Action: policy.ActionReset, Reason: "ok\ttab", Ticket: "T\n1"},
			map[string]string{fieldTarget: "Remove the control character U+202E.", fieldReason: "Remove the control character U+0009.", fieldTicket: "Remove the control character U+000A."},
		},
		{
			"signout with status", state("prod", "carol", "status", "", "", "", true),
			requestForm{Pool: "prod", Target: "carol", Action: policy.ActionStatus, SignOut: true},
			map[string]string{fieldSignOut: "Signing out does not apply to status."},
		},
		{
			"longer than the inputs take", state("prod", strings.Repeat("u", MaxTargetLen+1), "reset", strings.Repeat("r", maxReasonLen+1),
				strings.Repeat("t", MaxValueLen+1), "", false),
			requestForm{Pool: "prod", Target: strings.Repeat("u", MaxTargetLen+1), Action: policy.ActionReset,
				Reason: strings.Repeat("r", maxReasonLen+1), Ticket: strings.Repeat("t", MaxValueLen+1)},
			map[string]string{fieldTarget: "This is 257 characters long; at most 256 fit.", fieldReason: "This is 501 characters long; at most 500 fit.",
				fieldTicket: "This is 101 characters long; at most 100 fit."},
		},
		{
			"unknown action", state("prod", "carol", "format-disk", "", "", "", false),
			requestForm{Pool: "prod", Target: "carol"},
			map[string]string{fieldAction: "Choose an action."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := readRequestForm(tt.state)
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("form (-got +want):\n%s", diff)
			}
			if diff := cmp.Diff(errs, tt.wantErrs); diff != "" {
				t.Errorf("errors (-got +want):\n%s", diff)
			}
		})
	}
}

func TestSlackDate(t *testing.T) {
	got := slackDate(fixedTime)
	want := fmt.Sprintf("<!date^%d^{date_short_pretty} at {time}|2026-03-02 10:00 UTC>", fixedTime.Unix())
	if got != want {
		t.Errorf("slackDate = %q, want %q", got, want)
	}
}

// TestEmailsAreMasked checks that an address, typed or used as a username, is shown masked
// on cards, replies and answers in a channel.
func TestEmailsAreMasked(t *testing.T) {
	rd := testRenderer()
	r := fixtureRequest()
	r.Target.Ref, r.Target.Username = "carol.jones@example.com", "carol.jones@example.com"
	var rendered []any
	for s := range stateStyles {
		r := *r
		r.State = s
		rendered = append(rendered, rd.card(&r))
	}
	for k := range noticeStyles {
		rendered = append(rendered, rd.notice(r, approval.Notice{Kind: k, FollowUp: policy.ActionVerifyEmail}))
	}
	rendered = append(rendered, rd.status(approval.StatusReport{Pool: r.Pool, Target: r.Target}))
	for i, m := range rendered {
		if js := string(goldenJSON(t, m)); strings.Contains(js, "carol.jones@") {
			t.Errorf("rendering %d shows the address unmasked:\n%s", i, js)
		}
	}
}
