/**
 * Privacy by design, checked where data could linger: after a session, nothing in Postgres (every
 * schema), Redis, the JetStream streams or any service's log holds a coordinate, and the logs hold
 * no access token or passkey signature. Positions are used for the decision, then dropped.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ClientEvents, ServerEvents, Streams, type Position } from '@classconnect/contracts';
import { EventLog, offsetNorth, requestOk, seatClass, startTestSystem, type Classroom, type TestSystem } from '@classconnect/testing';

// Distinctive digits, so any copy of a coordinate is easy to find.
const room: Position = { latitude: -33.871234, longitude: 151.206789, accuracy: 9 };
// Not after a digit, nor after "<digit>:" — so an ISO time such as 08:12:33.871Z never matches.
const coordinatePatterns = [/(?<!\d|\d:)33\.871/, /(?<!\d|\d:)151\.206/];

/** The text around the first coordinate found (so a failure shows where), or null. */
function findCoordinate(text: string | null): string | null {
  for (const p of coordinatePatterns) {
    const m = p.exec(text ?? '');
    if (m) return text!.slice(Math.max(0, m.index - 120), m.index + 40);
  }
  return null;
}

describe('after a session, no coordinates remain anywhere', () => {
  let sys: TestSystem;
  let seated: Classroom;
  const tokens: string[] = [];
  const signatures: string[] = [];
  let centreWhileOpen: string | null = null;

  beforeAll(async () => {
    sys = await startTestSystem();
    seated = await seatClass(sys, 5);
    const { cls, teacher } = seated;
    const [dawdler, ...students] = seated.students;
    tokens.push(await sys.signIn(cls.teacher.email, cls.teacher.password));

    const ready = new EventLog(teacher, ServerEvents.reportReady);
    const session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: room, radiusM: 50 });
    for (const [i, s] of students.entries()) {
      const begin = await requestOk(s.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId });
      const assertion = await s.authenticator.getAssertion(begin.options, { origin: s.origin });
      signatures.push(assertion.response.signature);
      // Three inside, one far outside: both kinds of verdict are stored. The first two at exactly
      // the same coordinates: their check-ins are flagged (IDENTICAL_POSITION), and flags keep none either.
      const position = offsetNorth(room, i === 3 ? 700 : i === 1 ? 5 : 5 + i * 7);
      const ack = await requestOk(s.socket, ClientEvents.checkinSubmit, { sessionId: session.sessionId, assertion, position, idempotencyKey: randomUUID() });
      await s.results.waitFor((r) => r.submissionId === ack.submissionId);
    }
    // One student begins and never answers: the challenge issued to them, with the session's context, is left unclaimed.
    await requestOk(dawdler!.socket, ClientEvents.checkinBegin, { sessionId: session.sessionId });
    // While the session is open its fence centre is in Redis, and the search below finds it:
    // proof that the searches can see a coordinate, so their finding none after Stop means something.
    const redis = new Redis(sys.env.REDIS_URL!);
    centreWhileOpen = findCoordinate(JSON.stringify(await redis.hgetall(`cc:session:${session.sessionId}`)));
    redis.disconnect();
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
    await ready.waitFor((r) => r.sessionId === session.sessionId);
  });

  afterAll(async () => {
    seated?.close();
    await sys?.stop();
  });

  it('held the teacher’s position only while the session was open', () => {
    expect(centreWhileOpen).not.toBeNull();
  });

  it('keeps none in any Postgres table', async () => {
    const client = new pg.Client({ connectionString: sys.env.DATABASE_URL });
    await client.connect();
    try {
      const tables = await client.query<{ table_schema: string; table_name: string }>(
        `SELECT table_schema, table_name FROM information_schema.tables
          WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
      );
      expect(tables.rows.map((t) => t.table_schema)).toEqual(expect.arrayContaining(['identity', 'verification', 'report']));
      let rowsSeen = 0;
      for (const { table_schema, table_name } of tables.rows) {
        const rows = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${table_schema}"."${table_name}" t`);
        rowsSeen += rows.rowCount ?? 0;
        for (const { row } of rows.rows) expect(findCoordinate(row)).toBeNull();
      }
      expect(rowsSeen).toBeGreaterThan(10); // the search did read the projection and the accounts
    } finally {
      await client.end();
    }
  });

  it('keeps none in Redis, within seconds of the close (claimed and unclaimed check-in challenges included)', async () => {
    const redis = new Redis(sys.env.REDIS_URL!);
    try {
      // verification-service forgets its per-session state when it consumes session.closed: give it a moment.
      const found = async () => {
        for (const key of await redis.keys('*')) {
          const type = await redis.type(key);
          const value = type === 'string' ? await redis.get(key) : type === 'hash' ? JSON.stringify(await redis.hgetall(key)) : '';
          if (findCoordinate(`${key} ${value}`)) return key;
        }
        return null;
      };
      for (let i = 0; i < 50 && (await found()); i++) await new Promise((r) => setTimeout(r, 200));
      const keys = await redis.keys('*');
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        const type = await redis.type(key);
        const value =
          type === 'hash' ? JSON.stringify(await redis.hgetall(key))
          : type === 'string' ? await redis.get(key)
          : type === 'set' ? JSON.stringify(await redis.smembers(key))
          : type === 'zset' ? JSON.stringify(await redis.zrange(key, '0', '-1', 'WITHSCORES'))
          : '';
        expect(findCoordinate(`${key} ${value}`)).toBeNull();
      }
    } finally {
      redis.disconnect();
    }
  });

  it('keeps none in the streams: the public record has distances only, and decided check-ins have left the intake queue', async () => {
    const nc = await connect({ servers: sys.env.NATS_URL! });
    try {
      const jsm = await jetstreamManager(nc);
      expect((await jsm.streams.info(Streams.intake.name)).state.messages).toBe(0);
      const attendance = await jsm.streams.info(Streams.attendance.name);
      expect(attendance.state.messages).toBeGreaterThan(5);
      for (let seq = attendance.state.first_seq; seq <= attendance.state.last_seq; seq++) {
        const msg = await jsm.streams.getMessage(Streams.attendance.name, { seq });
        const body = msg ? new TextDecoder().decode(msg.data) : '';
        expect(findCoordinate(body)).toBeNull();
      }
    } finally {
      await nc.close();
    }
  });

  it('writes no coordinate, access token or passkey signature to any service log', () => {
    const logs = readdirSync(sys.logDir).filter((f) => f.endsWith('.log') && !['nats.log', 'redis.log'].includes(f));
    expect(logs).toEqual(expect.arrayContaining(['gateway.log', 'verification-service.log', 'session-service.log', 'report-service.log']));
    const text = logs.map((f) => readFileSync(join(sys.logDir, f), 'utf8')).join('\n');
    expect(text).toMatch(/check-in decided/); // the logs did record the check-ins
    expect(findCoordinate(text)).toBeNull();
    for (const secret of [...tokens, ...signatures]) expect(text.includes(secret)).toBe(false);
  });
});
