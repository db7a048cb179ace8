// `npm run deadletters -- list [--json]` and `npm run deadletters -- replay <sequence>`: the messages
// a durable consumer set aside on the DEADLETTER stream, and replaying one through the consumer
// that set it aside (its service must be running). Talks to NATS_URL (default the launcher's,
// nats://127.0.0.1:4222). Uses the build: run `npm run build` first in a fresh clone.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from '../libs/runtime/src/services.mjs';

const usage = 'usage: npm run deadletters -- list [--json] | replay <sequence>';
const [command, arg] = process.argv.slice(2).filter((a) => a !== '--json');
const json = process.argv.includes('--json');
const entry = join(root, 'dist/libs/messaging/src/index.js');
if (!existsSync(entry)) {
  process.stderr.write('The project is not built: run `npm run build` (or `npm start` once) first.\n');
  process.exit(1);
}
// Only problems on the terminal: the connection's info lines would mix with the listing.
process.env.LOG_LEVEL ??= 'warn';
const { connectNats, listDeadLetters, replayDeadLetter } = await import(pathToFileURL(entry).href);
const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

if (command !== 'list' && command !== 'replay') {
  process.stderr.write(`${usage}\n`);
  process.exit(64);
}
const sequence = Number(arg);
if (command === 'replay' && !(Number.isInteger(sequence) && sequence > 0)) {
  process.stderr.write(`replay needs the dead letter's sequence (a positive whole number, as \`list\` shows it).\n${usage}\n`);
  process.exit(64);
}

const nc = await connectNats(url, 'deadletters-cli');
let status = 0;
try {
  if (command === 'list') {
    const items = await listDeadLetters(nc, 1_000);
    if (json) process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
    else if (items.length === 0) process.stdout.write('No dead letters: every consumer is keeping up.\n');
    else {
      for (const d of items) {
        process.stdout.write(`#${d.sequence}  ${d.deadAt}  ${d.consumer}  ${d.stream}#${d.streamSequence}  ${d.subject}\n    ${d.failures} failures, ${d.deliveries} deliveries: ${d.error}\n`);
      }
      process.stdout.write(`${items.length} dead letter(s). Replay one with: npm run deadletters -- replay <#>\n`);
    }
  } else {
    const replayed = await replayDeadLetter(nc, sequence);
    process.stdout.write(json ? `${JSON.stringify(replayed, null, 2)}\n` : `Replayed dead letter #${sequence} (${replayed.subject}) through ${replayed.consumer}; its record is removed.\n`);
  }
} catch (err) {
  process.stderr.write(`${err.code ? `${err.code}: ` : ''}${err.message}\n`);
  status = 1;
} finally {
  await nc.close();
}
process.exit(status);
