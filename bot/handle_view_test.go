package bot

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/resetbot/resetbot/approval"
)

func TestFieldErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want map[string]string
	}{
		{
			"fields land beside their inputs",
			&approval.ValidationError{Fields: map[string]string{"ticket": "A ticket is required.", "target": "No such user."}},
			map[string]string{"ticket": "A ticket is required.", "target": "No such user."},
		},
		{
			"fields the modal lacks go beside the action",
			&approval.ValidationError{Fields: map[string]string{"signout_when": "Say when."}},
			map[string]string{"action": "Say when."},
		},
		{
			"a policy refusal goes beside the action",
			fmt.Errorf("submit: %w", approval.Errorf(approval.EFORBIDDEN, "Admin accounts are reset by the security team.")),
			map[string]string{"action": "Admin accounts are reset by the security team."},
		},
		{
			"an unknown error shows no detail",
			errors.New("dial tcp 10.1.2.3:443: connection refused"),
			map[string]string{"action": "Something went wrong on our side; the details are in the bot's log."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(fieldErrors(tt.err), tt.want); diff != "" {
				t.Errorf("fieldErrors (-got +want):\n%s", diff)
			}
		})
	}
}

func TestNotInChannel(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("post: %w", slack.SlackErrorResponse{Err: "not_in_channel"}), true},
		{&approval.Error{Code: approval.EINTERNAL, Err: fmt.Errorf("card: %w", slack.SlackErrorResponse{Err: "channel_not_found"})}, true},
		{slack.SlackErrorResponse{Err: "ratelimited"}, false},
		{errors.New("not_in_channel"), false},
		{nil, false},
	} {
		if got := notInChannel(tt.err); got != tt.want {
			t.Errorf("notInChannel(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
