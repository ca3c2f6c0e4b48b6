package bot

import (
	"fmt"

	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/policy"
)

// undeliverable reports whether a request is a reset whose code Cognito cannot deliver: the
// user had no verified email and no verified phone number when it was made. Cognito refuses
// such a reset at run time, so the card says so before anyone approves it.
func undeliverable(r *approval.Request) bool {
	return r.Action == policy.ActionReset && !r.Target.EmailVerified && !r.Target.PhoneVerified
}

// verifyFirst are the card's blocks for a pending reset Cognito cannot deliver: what is wrong
// and, for each address the user has, a button that asks to mark it verified first.
func (rd renderer) verifyFirst(r *approval.Request) []slack.Block {
	user := userRef(r.Target.Username)
	var buttons []slack.BlockElement
	for _, c := range []struct {
		masked string
		action policy.Action
		label  string
	}{
		{r.Target.EmailMasked, policy.ActionVerifyEmail, "Ask to verify the email first"},
		{r.Target.PhoneMasked, policy.ActionVerifyPhone, "Ask to verify the phone first"},
	} {
		if c.masked != "" {
			buttons = append(buttons, slack.NewButtonBlockElement(actionFollowUp, followUpValue(c.action, r.ID), plain(c.label)))
		}
	}
	text := fmt.Sprintf("⚠️ *This reset cannot be delivered.* Cognito sends the reset code only to a verified email "+
		"or phone number, and %s has neither, so approved as it is it would fail. ", user)
	if len(buttons) == 0 {
		text += "The user has no email or phone number at all: add one in Cognito, or ask for a temp-password instead."
		return []slack.Block{section(text)}
	}
	text += "Confirm the address with the user, have it marked verified with a request of its own (below), then ask for the reset again."
	return []slack.Block{section(text), slack.NewActionBlock("verify_first", buttons...)}
}
