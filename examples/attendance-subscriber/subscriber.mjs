// An attendance subscriber written from docs/asyncapi.yaml alone (it imports nothing of ClassConnect):
// its own durable consumer on the ATTENDANCE stream, every CloudEvent checked against the document's
// schema for its channel, duplicates dropped by `id`, and a per-course attendance table kept from
// session.opened, mark.recorded.v2 and mark.changed. See README.md.
//
//   NATS_URL=nats://127.0.0.1:4222 node subscriber.mjs
//
// Environment: NATS_URL; DURABLE (the consumer's name, default `attendance-table-example`);
// ASYNCAPI (the document, default ../../docs/asyncapi.yaml); STATE (a JSON file where the table and
// the ids already applied are kept, default ./attendance-state.json).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser } from '@asyncapi/parser';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const here = dirname(fileURLToPath(import.meta.url));
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const durable = process.env.DURABLE ?? 'attendance-table-example';
const docPath = process.env.ASYNCAPI ?? join(here, '../../docs/asyncapi.yaml');
const statePath = process.env.STATE ?? join(here, 'attendance-state.json');

// ---------- the contract: one validator per channel, from the AsyncAPI document ----------
const { document, diagnostics } = await new Parser().parse(readFileSync(docPath, 'utf8'));
if (!document) throw new Error(`cannot read ${docPath}: ${diagnostics.map((d) => d.message).join('; ')}`);
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validators = new Map();
for (const channel of document.channels().all()) {
  const payload = channel.messages().all()[0]?.payload()?.json();
  if (payload) validators.set(channel.address(), ajv.compile(payload));
}

// ---------- state: what has been applied, and what it says ----------
/** sessions[sessionId] = { courseId, courseCode, enrolled: [ids], marks: { studentId: status }, changes: { studentId: { sequence, status } }, closed } */
const state = existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : { applied: [], sessions: {}, problems: [] };
const applied = new Set(state.applied);

function session(id, courseId) {
  state.sessions[id] ??= { courseId, enrolled: [], marks: {}, changes: {}, closed: false };
  if (courseId) state.sessions[id].courseId = courseId;
  return state.sessions[id];
}

/** Applies one checked event. Keyed by ids, so the order events arrive in does not matter. */
function apply(subject, data) {
  switch (subject) {
    case 'attendance.session.opened.v1':
      Object.assign(session(data.sessionId, data.courseId), { courseCode: data.courseCode, enrolled: data.enrolledStudentIds });
      break;
    case 'attendance.mark.recorded.v2':
      session(data.sessionId, data.courseId).marks[data.studentId] = data.status;
      break;
    case 'attendance.mark.changed.v1': {
      const s = session(data.sessionId, data.courseId);
      if ((s.changes[data.studentId]?.sequence ?? 0) < data.sequence) s.changes[data.studentId] = { sequence: data.sequence, status: data.status };
      break;
    }
    case 'attendance.session.closed.v2':
      session(data.sessionId, data.courseId).closed = true;
      break;
    default:
      // Every other type is checked but not needed for the table.
      break;
  }
}

/** Per course: how many sessions, and how many (session, student) pairs in each status. */
export function table(sessions) {
  const courses = {};
  for (const s of Object.values(sessions)) {
    const row = (courses[s.courseId] ??= { courseCode: s.courseCode, sessions: 0, present: 0, late: 0, excused: 0, absent: 0 });
    row.courseCode ??= s.courseCode;
    row.sessions += 1;
    const students = new Set([...s.enrolled, ...Object.keys(s.marks), ...Object.keys(s.changes)]);
    for (const id of students) row[s.changes[id]?.status ?? s.marks[id] ?? 'absent'] += 1;
  }
  return courses;
}

function save() {
  state.applied = [...applied];
  state.table = table(state.sessions);
  writeFileSync(`${statePath}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${statePath}.tmp`, statePath); // whole or not at all
}

// ---------- the consumer ----------
const nc = await connect({ servers: natsUrl, name: durable });
const jsm = await jetstreamManager(nc);
try {
  await jsm.consumers.info('ATTENDANCE', durable);
} catch {
  await jsm.consumers.add('ATTENDANCE', {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: 'attendance.>',
    ack_wait: 30_000_000_000,
    max_ack_pending: 1_000,
  });
}
const consumer = await jetstream(nc).consumers.get('ATTENDANCE', durable);
const messages = await consumer.consume();
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    messages.stop();
  });
}
process.stdout.write(`${JSON.stringify({ msg: 'subscribed', durable, stream: 'ATTENDANCE', channels: validators.size })}\n`);

for await (const msg of messages) {
  let event;
  try {
    event = msg.json();
  } catch {
    state.problems.push({ seq: msg.seq, subject: msg.subject, problem: 'not JSON' });
    save();
    msg.term();
    continue;
  }
  const validate = validators.get(msg.subject);
  if (!validate) {
    msg.ack(); // a type this document does not know: ignore it, as the document says
    continue;
  }
  if (!validate(event) || event.type !== `edu.classconnect.${msg.subject}`) {
    state.problems.push({ seq: msg.seq, subject: msg.subject, id: event?.id, problem: ajv.errorsText(validate.errors) });
    save();
    msg.term(); // a broken event would fail every time: set it aside
    continue;
  }
  if (!applied.has(event.id)) {
    apply(msg.subject, event.data);
    applied.add(event.id);
    save(); // the state is on disk before the ack: a crash replays the event, and its id is skipped
  }
  msg.ack();
  if (stopping) break;
}
save();
process.stdout.write(`${JSON.stringify({ msg: 'stopped', table: state.table, problems: state.problems.length })}\n`);
await nc.drain();
