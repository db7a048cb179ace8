import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { SessionCloseReason } from '@classconnect/contracts';
import type { LuaScript } from '@classconnect/persistence';
import { REDIS, REDIS_KEY_PREFIX, redisCall } from '../infrastructure/redis.module.js';
import {
  SessionStore,
  type ChangeOutcome,
  type EpochState,
  type LostSession,
  type RestoreOutcome,
  type ReopenOutcome,
  type ReopenWindow,
  type CheckinFacts,
  type CloseOutcome,
  type CreateOutcome,
  type LiveRoster,
  type MarkChange,
  type EnrollmentUpdate,
  type MarkAttempt,
  type MarkOutcome,
  type NewSession,
  type SessionRecord,
  type StoredMark,
  type StoredOverride,
  type Centre,
} from './session.model.js';
import { qrAttemptsKey, qrTagKey } from '../qr/qr.repository.js';
import { sessionTag } from '../qr/qr-code.js';
import {
  changeEnrollmentScript,
  checkinFactsScript,
  changeMarkScript,
  closeSessionScript,
  createSessionScript,
  recordMarkScript,
  reopenSessionScript,
  restoreClosedSessionScript,
} from './session.scripts.js';

/** How long a closed session's keys are kept, for late readers and retried calls. */
export const ClosedSessionTtlSeconds = 7 * 24 * 60 * 60;

/**
 * Redis layout (every key starts with REDIS_KEY_PREFIX):
 *   session:<id>           hash   the session's fields
 *   session:<id>:enrolled  set    student ids enrolled when it opened
 *   session:<id>:names     hash   studentId → name, from the same roster snapshot
 *   session:<id>:present   hash   studentId → StoredMark JSON
 *   session:<id>:overrides hash   studentId → StoredOverride JSON (the latest change by hand)
 *   session:<id>:reopen   hash   for REOPEN_WINDOW_SECONDS after Stop (then it expires): the fence's centre
 *                                 (latitude, longitude), the QR secret (qrSecret) and the window's end (untilMs)
 *   course:<courseId>:open string the course's open session id
 *   sessions:autoclose     zset   open session ids scored by their autoCloseAt (epoch ms), for the sweep
 *   epoch                  string a random id written when the store is found empty: gone again if Redis loses
 *                                 everything, which is how that is noticed (see sessions/state-recovery.service.ts)
 *   epoch:recovered        string the epoch whose lost sessions have all been closed
 * The session hash also holds reopens (how many times it was reopened), reopenedAt, reopenedBy, reopenedFrom (the closedAt undone) and,
 * while closed by Stop, reopenableUntil.
 * The session hash holds the room it was started from (roomId, roomName, roomBuilding), if any, the QR options (qrMode, qrStepSeconds) and, while open, the QR secret
 * (qrSecret, base64); the QR keys (tag index, failed attempts) are described in qr/qr.repository.ts.
 */
@Injectable()
export class SessionRepository extends SessionStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(REDIS_KEY_PREFIX) private readonly prefix: string,
  ) {
    super();
  }

  async create(s: NewSession): Promise<CreateOutcome> {
    const fields = [
      ...courseFields(s),
      ['status', 'open'],
      ['openedAt', s.openedAt],
      ['latitude', String(s.fence.latitude)],
      ['longitude', String(s.fence.longitude)],
      ['radiusM', String(s.fence.radiusM)],
      ['enrolledCount', String(s.students.length)],
      ['lateAfterMinutes', String(s.lateAfterMinutes)],
      ['checkinClosesAt', s.checkinClosesAt],
      ['autoCloseAt', s.autoCloseAt],
      ...(s.qr
        ? [
            ['qrMode', s.qr.mode],
            ['qrStepSeconds', String(s.qr.stepSeconds)],
            ['qrSecret', s.qr.secret.toString('base64')],
          ]
        : []),
      ...(s.room ? [['roomId', s.room.id], ['roomName', s.room.name], ...(s.room.building ? [['roomBuilding', s.room.building]] : [])] : []),
    ].flat();
    const roster = s.students.flatMap((st) => [st.id, st.name]);
    const reply = (await this.run(
      createSessionScript,
      [this.courseOpenKey(s.courseId), this.sessionKey(s.sessionId), this.enrolledKey(s.sessionId), this.namesKey(s.sessionId), this.autoCloseKey()],
      [s.sessionId, fields.length, Date.parse(s.autoCloseAt), ...fields, ...roster],
    )) as string[];
    switch (reply[0]) {
      case 'OK':
        if (s.qr) await this.rememberQrTag(s.sessionId, s.autoCloseAt);
        return { created: true };
      case 'SESSION_ALREADY_OPEN':
        return { created: false, openSessionId: reply[1]! };
      default:
        throw new Error(`Unexpected reply from the create-session script: ${reply[0]}`);
    }
  }

  async find(sessionId: string): Promise<SessionRecord | null> {
    const [hash, presentCount] = await redisCall(() =>
      Promise.all([this.redis.hgetall(this.sessionKey(sessionId)), this.redis.hlen(this.presentKey(sessionId))]),
    );
    return toRecord(sessionId, hash, presentCount);
  }

  async openSessionIds(courseIds: string[]): Promise<string[]> {
    if (courseIds.length === 0) return [];
    const ids = await redisCall(() => this.redis.mget(...courseIds.map((id) => this.courseOpenKey(id))));
    return ids.filter((id): id is string => typeof id === 'string');
  }

  enrolledIds(sessionId: string): Promise<string[]> {
    return redisCall(() => this.redis.smembers(this.enrolledKey(sessionId)));
  }

  async isEnrolled(sessionId: string, studentId: string): Promise<boolean> {
    return (await redisCall(() => this.redis.sismember(this.enrolledKey(sessionId), studentId))) === 1;
  }

  async liveRoster(sessionId: string): Promise<LiveRoster> {
    const [names, present, overrides] = await redisCall(() =>
      Promise.all([
        this.redis.hgetall(this.namesKey(sessionId)),
        this.redis.hgetall(this.presentKey(sessionId)),
        this.redis.hgetall(this.overridesKey(sessionId)),
      ]),
    );
    return {
      students: Object.entries(names).map(([id, name]) => ({ id, name })),
      present: new Map(Object.entries(present).map(([id, json]) => [id, JSON.parse(json) as StoredMark])),
      overrides: new Map(Object.entries(overrides).map(([id, json]) => [id, JSON.parse(json) as StoredOverride])),
    };
  }

  /** One script where four commands were sent: every checkin:begin asks it. */
  async checkinFacts(sessionId: string, studentId: string): Promise<CheckinFacts | null> {
    const [fields, presentCount, enrolled, present] = (await this.run(
      checkinFactsScript,
      [this.sessionKey(sessionId), this.enrolledKey(sessionId), this.presentKey(sessionId)],
      [studentId],
    )) as [string[], number, number, number];
    const hash: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) hash[fields[i]!] = fields[i + 1]!;
    const session = toRecord(sessionId, hash, presentCount);
    if (!session) return null;
    return { session, enrolled: enrolled === 1, alreadyPresent: present === 1 };
  }

  async close(sessionId: string, courseId: string, closedAt: string, closedBy: string, reason: 'stopped' | 'max-length', reopen?: ReopenWindow): Promise<CloseOutcome> {
    const reply = (await this.run(
      closeSessionScript,
      [
        this.sessionKey(sessionId),
        this.presentKey(sessionId),
        this.enrolledKey(sessionId),
        this.namesKey(sessionId),
        this.courseOpenKey(courseId),
        this.overridesKey(sessionId),
        this.autoCloseKey(),
        this.reopenKey(sessionId),
      ],
      [sessionId, closedAt, closedBy, ClosedSessionTtlSeconds, reason, reopen?.seconds ?? 0, reopen?.until ?? '', reopen ? Date.parse(reopen.until) : 0],
    )) as [string, string?, string?, string[]?, string?, string?];
    switch (reply[0]) {
      case 'CLOSED':
      case 'ALREADY_CLOSED':
        return {
          kind: reply[0] === 'CLOSED' ? 'closed' : 'already-closed',
          closedAt: reply[1] ?? closedAt,
          closedBy: reply[2] ?? closedBy,
          closeReason: closeReasonOf(reply[4]),
          presentStudentIds: reply[3] ?? [],
          reopens: Number(reply[5] ?? 0),
        };
      case 'SESSION_NOT_FOUND':
        return { kind: 'not-found' };
      default:
        throw new Error(`Unexpected reply from the close-session script: ${reply[0]}`);
    }
  }

  async reopen(sessionId: string, courseId: string, now: Date, reopenedBy: string, centre: Centre): Promise<ReopenOutcome> {
    const autoCloseAt = await redisCall(() => this.redis.hget(this.sessionKey(sessionId), 'autoCloseAt'));
    const reply = (await this.run(
      reopenSessionScript,
      [
        this.sessionKey(sessionId),
        this.reopenKey(sessionId),
        this.courseOpenKey(courseId),
        this.autoCloseKey(),
        this.enrolledKey(sessionId),
        this.namesKey(sessionId),
        this.presentKey(sessionId),
        this.overridesKey(sessionId),
      ],
      [sessionId, now.getTime(), now.toISOString(), reopenedBy, autoCloseAt ? Date.parse(autoCloseAt) : '', centre.latitude, centre.longitude],
    )) as [string, string?, string?];
    switch (reply[0]) {
      case 'REOPENED':
        return { kind: 'reopened', reopens: Number(reply[1]), previousClosedAt: reply[2]! };
      case 'COURSE_BUSY':
        return { kind: 'course-busy', openSessionId: reply[1]! };
      case 'SESSION_NOT_FOUND':
        return { kind: 'not-found' };
      case 'OPEN':
        return { kind: 'open' };
      case 'NOT_STOPPED':
        return { kind: 'not-stopped' };
      case 'WINDOW_PASSED':
        return { kind: 'window-passed' };
      default:
        throw new Error(`Unexpected reply from the reopen-session script: ${reply[0]}`);
    }
  }

  async recordMark(sessionId: string, studentId: string, attempt: MarkAttempt): Promise<MarkOutcome> {
    const { mark, qr } = attempt;
    const reply = (await this.run(
      recordMarkScript,
      [this.sessionKey(sessionId), this.enrolledKey(sessionId), this.presentKey(sessionId), qrAttemptsKey(this.prefix, sessionId, studentId)],
      [
        studentId,
        mark.submissionId,
        JSON.stringify(mark),
        Date.parse(attempt.verifiedAt),
        attempt.checkOnly ? '1' : '0',
        qr?.verdict ?? '',
        qr?.attemptsPerWindow ?? 0,
        qr?.windowSeconds ?? 0,
      ],
    )) as [string, string?, string?];
    switch (reply[0]) {
      case 'RECORDED':
      case 'RETRY':
        return { kind: reply[0] === 'RECORDED' ? 'recorded' : 'retry', courseId: reply[1]!, mark: JSON.parse(reply[2]!) as StoredMark };
      case 'ALLOWED':
        return { kind: 'allowed' };
      case 'QR_REFUSED':
        return { kind: 'qr-refused', qr: reply[1] as 'expired' | 'wrong-session' | 'invalid' | 'throttled' };
      case 'ALREADY_PRESENT':
        return { kind: 'already-present' };
      case 'SESSION_NOT_FOUND':
        return { kind: 'not-found' };
      case 'SESSION_NOT_OPEN':
        return { kind: 'not-open' };
      case 'NOT_ENROLLED':
        return { kind: 'not-enrolled', courseId: reply[1]! };
      case 'WINDOW_CLOSED':
        return { kind: 'window-closed' };
      default:
        throw new Error(`Unexpected reply from the record-mark script: ${reply[0]}`);
    }
  }
  async changeMark(sessionId: string, studentId: string, change: MarkChange): Promise<ChangeOutcome> {
    const reply = (await this.run(
      changeMarkScript,
      [this.sessionKey(sessionId), this.enrolledKey(sessionId), this.presentKey(sessionId), this.overridesKey(sessionId)],
      [studentId, change.status, change.reason, change.by, change.at],
    )) as [string, string?, string?];
    switch (reply[0]) {
      case 'CHANGED':
        return { kind: 'changed', courseId: reply[1]!, override: JSON.parse(reply[2]!) as StoredOverride };
      case 'SESSION_NOT_FOUND':
        return { kind: 'not-found' };
      case 'NOT_ENROLLED':
        return { kind: 'not-enrolled' };
      default:
        throw new Error(`Unexpected reply from the change-mark script: ${reply[0]}`);
    }
  }

  dueForAutoClose(now: Date, limit: number): Promise<string[]> {
    return redisCall(() => this.redis.zrangebyscore(this.autoCloseKey(), '-inf', now.getTime(), 'LIMIT', 0, limit));
  }

  async forgetAutoClose(sessionId: string): Promise<void> {
    await redisCall(() => this.redis.zrem(this.autoCloseKey(), sessionId));
  }

  async changeEnrollment(sessionId: string, u: EnrollmentUpdate): Promise<'changed' | 'unchanged' | 'not-open'> {
    const reply = (await this.run(
      changeEnrollmentScript,
      [this.sessionKey(sessionId), this.enrolledKey(sessionId), this.namesKey(sessionId), this.presentKey(sessionId)],
      [u.change, u.studentId, u.change === 'added' ? u.name : ''],
    )) as [string];
    return reply[0] === 'CHANGED' ? 'changed' : reply[0] === 'UNCHANGED' ? 'unchanged' : 'not-open';
  }

  async epochState(): Promise<EpochState> {
    const [epoch, recovered] = await redisCall(() => this.redis.mget(this.epochKey(), this.recoveredKey()));
    return { epoch: epoch ?? null, recovered: recovered ?? null };
  }

  async claimEpoch(candidate: string): Promise<string> {
    await redisCall(() => this.redis.set(this.epochKey(), candidate, 'NX'));
    return (await redisCall(() => this.redis.get(this.epochKey()))) ?? candidate;
  }

  async markRecovered(epoch: string): Promise<void> {
    await redisCall(() => this.redis.set(this.recoveredKey(), epoch));
  }

  async restoreClosed(s: LostSession): Promise<RestoreOutcome> {
    const fields = [
      ...courseFields(s),
      ['status', 'closed'],
      ['openedAt', s.openedAt],
      ['closedAt', s.closedAt],
      ['closedBy', s.closedBy],
      ['closeReason', 'state-lost'],
      ['reopens', String(s.reopens ?? 0)],
      ['radiusM', String(s.radiusM)],
      ['enrolledCount', String(s.students.length)],
      ...(s.qr ? [['qrMode', s.qr.mode], ['qrStepSeconds', String(s.qr.stepSeconds)]] : []),
      ...(s.room ? [['roomId', s.room.id], ['roomName', s.room.name], ...(s.room.building ? [['roomBuilding', s.room.building]] : [])] : []),
    ].flat();
    const payload = {
      fields,
      names: s.students.flatMap((st) => [st.id, st.name]),
      present: [...s.present].flatMap(([id, mark]) => [id, JSON.stringify(mark)]),
      overrides: [...s.overrides].flatMap(([id, o]) => [id, JSON.stringify(o)]),
    };
    const id = s.sessionId;
    const reply = (await this.run(
      restoreClosedSessionScript,
      [this.sessionKey(id), this.enrolledKey(id), this.namesKey(id), this.presentKey(id), this.overridesKey(id)],
      [ClosedSessionTtlSeconds, JSON.stringify(payload)],
    )) as [string, string?, string?, string[]?, string?];
    switch (reply[0]) {
      case 'CLOSED':
      case 'ALREADY_CLOSED':
        return {
          kind: reply[0] === 'CLOSED' ? 'closed' : 'already-closed',
          closedAt: reply[1] ?? s.closedAt,
          closedBy: reply[2] ?? s.closedBy,
          closeReason: closeReasonOf(reply[4]),
          presentStudentIds: reply[3] ?? [],
          reopens: s.reopens ?? 0,
        };
      case 'STILL_OPEN':
        return { kind: 'still-open' };
      default:
        throw new Error(`Unexpected reply from the restore-closed-session script: ${reply[0]}`);
    }
  }

  /** The QR tag index (see qr/qr.repository.ts): kept a day past the session's maximum length. */
  private async rememberQrTag(sessionId: string, autoCloseAt: string): Promise<void> {
    const ttl = Math.max(60, Math.ceil((Date.parse(autoCloseAt) - Date.now()) / 1000) + 24 * 60 * 60);
    await redisCall(() => this.redis.set(qrTagKey(this.prefix, sessionTag(sessionId)), sessionId, 'EX', ttl));
  }

  private run(script: LuaScript, keys: string[], args: (string | number)[]): Promise<unknown> {
    return redisCall(() => script.run(this.redis, keys, args));
  }

  private sessionKey(id: string): string {
    return `${this.prefix}session:${id}`;
  }
  private enrolledKey(id: string): string {
    return `${this.prefix}session:${id}:enrolled`;
  }
  async renameEverywhere(studentId: string, placeholder: string): Promise<number> {
    // Rare (an erasure), so a SCAN over the roster copies is fine; each is renamed only where it holds the person.
    let renamed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redisCall(() => this.redis.scan(cursor, 'MATCH', `${this.prefix}session:*:names`, 'COUNT', 500));
      cursor = next;
      for (const key of keys) {
        if ((await redisCall(() => this.redis.hexists(key, studentId))) === 0) continue;
        await redisCall(() => this.redis.hset(key, studentId, placeholder));
        renamed++;
      }
    } while (cursor !== '0');
    return renamed;
  }

  private namesKey(id: string): string {
    return `${this.prefix}session:${id}:names`;
  }
  private presentKey(id: string): string {
    return `${this.prefix}session:${id}:present`;
  }
  private reopenKey(id: string): string {
    return `${this.prefix}session:${id}:reopen`;
  }
  private overridesKey(id: string): string {
    return `${this.prefix}session:${id}:overrides`;
  }
  private autoCloseKey(): string {
    return `${this.prefix}sessions:autoclose`;
  }
  private epochKey(): string {
    return `${this.prefix}epoch`;
  }
  private recoveredKey(): string {
    return `${this.prefix}epoch:recovered`;
  }
  private courseOpenKey(courseId: string): string {
    return `${this.prefix}course:${courseId}:open`;
  }
}

/** Reads the session hash (HGETALL gives an object under RESP3 with the legacy mapping, and {} when missing). */
function toRecord(sessionId: string, h: Record<string, string>, presentCount: number): SessionRecord | null {
  if (!h.courseId || !h.status) return null;
  return {
    sessionId,
    courseId: h.courseId,
    courseCode: h.courseCode ?? '',
    courseTitle: h.courseTitle ?? '',
    teacherId: h.teacherId ?? '',
    teacherIds: parseIds(h.teacherIds),
    status: h.status === 'open' ? 'open' : 'closed',
    openedAt: h.openedAt ?? '',
    ...(h.closedAt ? { closedAt: h.closedAt } : {}),
    ...(h.closedBy ? { closedBy: h.closedBy } : {}),
    ...(h.closeReason ? { closeReason: closeReasonOf(h.closeReason) } : {}),
    ...(h.reopenableUntil ? { reopenableUntil: h.reopenableUntil } : {}),
    reopens: Number(h.reopens ?? 0),
    ...(h.reopenedAt && h.reopenedBy && h.reopenedFrom ? { lastReopen: { at: h.reopenedAt, by: h.reopenedBy, previousClosedAt: h.reopenedFrom } } : {}),
    fence: { latitude: Number(h.latitude), longitude: Number(h.longitude), radiusM: Number(h.radiusM) },
    enrolledCount: Number(h.enrolledCount ?? 0),
    presentCount,
    lateAfterMinutes: h.lateAfterMinutes === undefined ? 10 : Number(h.lateAfterMinutes),
    ...(h.checkinClosesAt ? { checkinClosesAt: h.checkinClosesAt } : {}),
    ...(h.autoCloseAt ? { autoCloseAt: h.autoCloseAt } : {}),
    ...(h.qrMode === 'offered' || h.qrMode === 'required' ? { qr: { mode: h.qrMode, stepSeconds: Number(h.qrStepSeconds ?? 10) } } : {}),
    ...(h.roomId ? { room: { id: h.roomId, name: h.roomName ?? '', ...(h.roomBuilding ? { building: h.roomBuilding } : {}) } } : {}),
  };
}

/** A stored close reason (anything unknown, or none, reads as `stopped`, as before reasons existed). */
function closeReasonOf(value: string | undefined): SessionCloseReason {
  return value === 'max-length' || value === 'state-lost' ? value : 'stopped';
}

function parseIds(json: string | undefined): string[] {
  if (!json) return [];
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The session hash's course and teacher fields, the same for a new session and one written back closed. */
function courseFields(s: Pick<NewSession, 'courseId' | 'courseCode' | 'courseTitle' | 'teacherId' | 'teacherIds'>): string[][] {
  return [
    ['courseId', s.courseId],
    ['courseCode', s.courseCode],
    ['courseTitle', s.courseTitle],
    ['teacherId', s.teacherId],
    ['teacherIds', JSON.stringify(s.teacherIds)],
  ];
}
