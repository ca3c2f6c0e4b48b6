// Runs Slack's official Socket Mode client (@slack/socket-mode) against the fake Slack, for the
// conformance test in conformance_test.go. The Go test drives the scenarios; this client only
// answers, by the same rules as the Go client under test:
//   slash_commands   -> ack({text: "ack: <text>"})
//   view_submission  -> ack({response_action: "errors", errors: {<block_id>: "bad: <value>"}})
//   anything else    -> ack()
// It prints one JSON line per lifecycle event and envelope on stdout, and disconnects and exits
// when its stdin closes.
//
// Environment: SLACK_API_URL (the fake's Web API URL), SLACK_APP_TOKEN, and NODE_PATH pointing at
// the node_modules holding @slack/socket-mode.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { SocketModeClient, LogLevel } = require('@slack/socket-mode');

const emit = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

const client = new SocketModeClient({
  appToken: process.env.SLACK_APP_TOKEN,
  logLevel: LogLevel.WARN,
  // Pings every 500 ms, reconnects 1.5 s after a close: fast enough for a test.
  clientPingTimeout: 1500,
  serverPingTimeout: 30000,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
});

for (const state of ['connecting', 'connected', 'reconnecting', 'disconnecting', 'disconnected']) {
  client.on(state, () => emit({ kind: state }));
}

client.on('slash_commands', async ({ ack, body, envelope_id }) => {
  emit({ kind: 'slash_commands', envelope_id, body });
  await ack({ text: `ack: ${body.text}` });
});

client.on('interactive', async ({ ack, body, envelope_id }) => {
  emit({ kind: body.type, envelope_id, body });
  if (body.type !== 'view_submission') {
    await ack();
    return;
  }
  const errors = {};
  for (const [blockId, actions] of Object.entries(body.view.state.values)) {
    for (const action of Object.values(actions)) {
      errors[blockId] = `bad: ${action.value ?? ''}`;
    }
  }
  await ack({ response_action: 'errors', errors });
});

client.on('slack_event', async ({ ack, type, body, envelope_id, retry_num }) => {
  if (type !== 'events_api') return;
  emit({ kind: 'events_api', envelope_id, body, retry_num });
  await ack();
});

process.stdin.on('end', async () => {
  await client.disconnect();
  process.exit(0);
});
process.stdin.resume();

try {
  await client.start();
} catch (err) {
  emit({ kind: 'error', error: String(err) });
  process.exit(1);
}
