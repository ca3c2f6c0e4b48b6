package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/resetbot/resetbot/approval"
)

// A response_url is a bearer link for 30 minutes: when posting to it fails, the log says so
// without the URL, and the answer goes another way.
func TestResponseURLFailureNeverLogsTheURL(t *testing.T) {
	h := newHarness(t)
	const bearer = "http://127.0.0.1:1/commands/T0EXAMPLE/1234/ZbearerSecretPart"
	h.bot.tell(h.ctx(), audience{User: uAlice, Channel: chSupport, ResponseURL: bearer}, h.bot.rd.failure(approval.Errorf(approval.EINVALID, "A test answer.")))
	h.settle()
	logs := h.logs.String()
	if !strings.Contains(logs, "answering through response_url failed") {
		t.Fatalf("the failure is not logged:\n%s", logs)
	}
	if strings.Contains(logs, "ZbearerSecretPart") || strings.Contains(logs, "/commands/") {
		t.Errorf("the log holds the response_url:\n%s", logs)
	}
	if got := h.ephemeralText(uAlice); !strings.Contains(got, "A test answer.") {
		t.Errorf("alice was shown %q, want the answer by another way", got)
	}
}

// Asking in a channel the bot is not in is the requester's to fix: they are told how to
// invite the bot, and the log has a warning, not an error.
func TestAskingWhereTheBotIsNotIsAWarning(t *testing.T) {
	h := newHarness(t)
	h.cmd(uAlice, chStaging, "reset sid locked out")
	h.settle()
	if got := h.ephemeralText(uAlice); !strings.Contains(got, "I am not in") {
		t.Fatalf("alice was shown %q, want how to invite the bot", got)
	}
	logs := h.logs.String()
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, `"level":"ERROR"`) {
			t.Errorf("an error was logged: %s", line)
		}
	}
	if !strings.Contains(logs, "the bot is not in the channel") {
		t.Errorf("no warning logged:\n%s", logs)
	}
}

// A panic in a handler is recovered and logged, and the bot goes on answering.
func TestPanicInAHandlerIsContained(t *testing.T) {
	h := newHarness(t)
	h.bot.goWork(h.ctx(), func(context.Context) { panic("a bug in a handler") })
	h.settle()
	if logs := h.logs.String(); !strings.Contains(logs, `"msg":"panic recovered"`) || !strings.Contains(logs, "a bug in a handler") {
		t.Fatalf("the panic is not logged:\n%s", logs)
	}
	h.cmd(uAlice, chSupport, "reset carol --ticket SUP-5 --verified-by callback locked out")
	if got := len(h.cards(chSupport)); got != 1 {
		t.Errorf("%d cards after the panic, want 1: the bot stopped answering", got)
	}
}
