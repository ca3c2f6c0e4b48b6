package approval

import (
	"fmt"
	"strings"

	"github.com/resetbot/resetbot/policy"
)

// nextSteps say, per error code, what to do after a run failed. Nothing was changed by a
// failed call.
var nextSteps = map[string]string{
	ENOVERIFIEDCONTACT: "Next step: confirm the user's address with them, have it marked verified with a %s request, then ask for the reset again.",
	EPASSWORD:          "Next step: the pool's password policy refused the generated password; ask the platform team to check it.",
	EIAM:               "Next step: the bot's AWS role may not do this; ask the platform team to check its IAM policy.",
	ETHROTTLED:         "Next step: Cognito is throttling calls; make the request again in a few minutes.",
	ENOTFOUND:          "Next step: check the username; the user may have been deleted.",
	EPOOLNOTFOUND:      "Next step: ask the platform team to check the pool in the policy file.",
	EDELIVERY:          "Next step: Cognito could not deliver the code; check the user's contact details with them, then make a new request.",
	ECONFLICT:          "Next step: make a new request for the user as they are now.",
	EFORBIDDEN:         "Next step: make a new request; the policy decides it afresh.",
	EINVALID:           "Next step: make a new request.",
	EINTERNAL:          "Next step: try again later; the details are in the bot's log.",
	EUNKNOWN:           "It will not be retried. Next step: check the user's status before asking again.",
}

// followUps name the request to offer after a failure, per error code.
var followUps = map[string]func(t Target) policy.Action{
	ENOVERIFIEDCONTACT: func(t Target) policy.Action {
		if t.EmailMasked == "" && t.PhoneMasked != "" {
			return policy.ActionVerifyPhone
		}
		return policy.ActionVerifyEmail
	},
}

// successText says what a run did, with the end user's next step.
func successText(r *Request, out runOutcome) string {
	said := actionSuccess(r, out.res)
	if out.dryRun {
		return fmt.Sprintf("DRY RUN: nothing was changed in Cognito. The user was found, is the same account, and the policy "+
			"still allows this; for real, it would have gone like this: %s", said)
	}
	text := said
	switch {
	case out.signOutErr != nil:
		text += fmt.Sprintf(" Signing them out of every session failed (%s) %s", strings.TrimSuffix(ErrorMessage(out.signOutErr), "."),
			"Make a signout request.")
	case out.signedOut:
		text += " They were also signed out of every session."
	}
	return text
}

// actionSuccess fills in the action's success text (policy.ActionSpec.Success).
func actionSuccess(r *Request, res RunResult) string {
	spec, _ := policy.Spec(r.Action)
	if spec.Success == "" {
		return fmt.Sprintf("%s done for %s.", r.Action, r.Target.Display())
	}
	return strings.NewReplacer(
		"{user}", r.Target.Display(),
		"{code_to}", codeDestination(r.Target),
		"{validity}", validity(res.ValidDays),
		"{email}", orDefault(r.Target.EmailMasked, "none on record"),
		"{phone}", orDefault(r.Target.PhoneMasked, "none on record"),
	).Replace(spec.Success)
}

// failureText says why a run failed and what to do next, and which request to offer instead.
func failureText(r *Request, err error) (string, policy.Action) {
	code := ErrorCode(err)
	var follow policy.Action
	if f, ok := followUps[code]; ok {
		follow = f(r.Target)
	}
	next := nextSteps[code]
	if next == "" {
		next = nextSteps[EINTERNAL]
	}
	if strings.Contains(next, "%s") {
		next = fmt.Sprintf(next, follow)
	}
	return fmt.Sprintf("%s for %s failed: %s %s", r.Action, r.Target.Display(), ErrorMessage(err), next), follow
}

// unknownText says that a change whose answer was lost may or may not have happened, and
// what to do next.
func unknownText(r *Request, err error) string {
	return fmt.Sprintf("%s for %s: %s %s", r.Action, r.Target.Display(), ErrorMessage(err), nextSteps[EUNKNOWN])
}

// secretAdvice tells the requester what to do with a generated password.
func secretAdvice(r *Request, days int) string {
	if r.Action == policy.ActionPermanentPassword {
		return fmt.Sprintf("Give this password to %s over a channel you trust, never in Slack. It does not expire; ask them to change it once signed in.", r.Target.Display())
	}
	return fmt.Sprintf("Give this temporary password to %s over a channel you trust, never in Slack. They must sign in with it %s and then choose a new password.", r.Target.Display(), validity(days))
}

// codeDestination says where Cognito sends a reset code for a target.
func codeDestination(t Target) string {
	switch {
	case t.EmailVerified && t.EmailMasked != "":
		return "the verified email " + t.EmailMasked
	case t.PhoneVerified && t.PhoneMasked != "":
		return "the verified phone " + t.PhoneMasked
	}
	return "the user's verified email or phone"
}

func validity(days int) string {
	switch {
	case days == 1:
		return "within 1 day"
	case days > 1:
		return fmt.Sprintf("within %d days", days)
	}
	return "before it expires (the pool's temporary password validity)"
}

// interruptedText is told when a run's lease ran out before its result was recorded.
const interruptedText = "The run was interrupted before its result was recorded (the bot stopped or lost its store " +
	"while running it). It may or may not have happened in Cognito, and it will not be retried. " +
	"Next step: check the user's status, then make a new request if it is still needed."
