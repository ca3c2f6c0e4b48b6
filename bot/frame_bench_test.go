package bot

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// benchFrame reads a frame the fake Slack sent the bot (testdata/frames: a slash command, a
// click on a card, a submitted request modal).
func benchFrame(b *testing.B, name string) []byte {
	b.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "frames", name+".json"))
	if err != nil {
		b.Fatal(err)
	}
	var compact json.RawMessage
	if err := json.Unmarshal(raw, &compact); err != nil {
		b.Fatal(err)
	}
	return compact
}

// BenchmarkEnvelopeBeforeAck is what stands between reading a frame and writing its ack: the
// reader's part (parseEnvelope, the slash command it reads itself, the ack's encoding), and
// beside it what slack-go's socketmode client decoded before its ack could leave (the whole
// envelope, then the whole payload into slack-go's types, by reflection).
func BenchmarkEnvelopeBeforeAck(b *testing.B) {
	for _, name := range []string{"slash_commands", "block_actions", "view_submission"} {
		frame := benchFrame(b, name)
		b.Run(name+"/reader", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(frame)))
			for b.Loop() {
				env, err := parseEnvelope(frame)
				if err != nil {
					b.Fatal(err)
				}
				if env.Type == envelopeSlashCommands {
					var cmd slashCommand
					if err := decodePayload(env, &cmd); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := encodeAck(env.ID, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/socketmode", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(frame)))
			for b.Loop() {
				var req socketmode.Request
				if err := json.Unmarshal(frame, &req); err != nil {
					b.Fatal(err)
				}
				var err error
				if req.Type == envelopeSlashCommands {
					var cmd slack.SlashCommand
					err = json.Unmarshal(req.Payload, &cmd)
				} else {
					var cb slack.InteractionCallback
					err = json.Unmarshal(req.Payload, &cb)
				}
				if err != nil {
					b.Fatal(err)
				}
				if _, err := json.Marshal(socketmode.Response{EnvelopeID: req.EnvelopeID}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkInteractionDecode compares the decoding of an interactive payload in the work pool:
// slack-go's InteractionCallback (the message's blocks included) against the bot's
// interaction (the view decoded only for a submission).
func BenchmarkInteractionDecode(b *testing.B) {
	for _, name := range []string{"block_actions", "view_submission"} {
		env, err := parseEnvelope(benchFrame(b, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name+"/interaction", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(env.Payload)))
			for b.Loop() {
				var in interaction
				if err := decodePayload(env, &in); err != nil {
					b.Fatal(err)
				}
				if in.Type == slack.InteractionTypeViewSubmission {
					if _, err := in.submittedView(); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
		b.Run(name+"/InteractionCallback", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(env.Payload)))
			for b.Loop() {
				var cb slack.InteractionCallback
				if err := decodePayload(env, &cb); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
