import { beforeEach, describe, expect, it } from '@jest/globals';
import { SettableClock } from '@classconnect/config';
import { DomainError, ErrorCode, type Actor } from '@classconnect/contracts';
import type { SessionRecord } from '../sessions/session.model.js';
import { codesAt, newQrSecret, sessionTag } from './qr-code.js';
import { QrAttemptsPerWindow, QrService } from './qr.service.js';
import { FakeQrStore } from './testing/fakes.js';

const teacher: Actor = { userId: '11111111-1111-4111-8111-111111111111', role: 'teacher' };
const student: Actor = { userId: '22222222-2222-4222-8222-222222222222', role: 'student' };
const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';

function session(id: string, qr: SessionRecord['qr']): SessionRecord {
  return {
    sessionId: id,
    courseId: '33333333-3333-4333-8333-333333333333',
    courseCode: 'CS101',
    courseTitle: 'Intro',
    teacherId: teacher.userId,
    teacherIds: [teacher.userId],
    status: 'open',
    openedAt: '2026-03-02T09:00:00.000Z',
    fence: { latitude: 0, longitude: 0, radiusM: 50 },
    enrolledCount: 1,
    presentCount: 0,
    lateAfterMinutes: 10,
    ...(qr ? { qr } : {}),
  };
}

describe('QrService', () => {
  const now = new Date('2026-03-02T09:00:03.000Z');
  let sessions: Map<string, SessionRecord>;
  let store: FakeQrStore;
  let service: QrService;
  const verify = (code: string, sessionId = A) => service.verify({ sessionId, studentId: student.userId, code, at: now.toISOString() });

  beforeEach(() => {
    sessions = new Map([
      [A, session(A, { mode: 'required', stepSeconds: 10 })],
      [B, session(B, { mode: 'offered', stepSeconds: 10 })],
    ]);
    store = new FakeQrStore();
    for (const id of [A, B]) {
      store.secrets.set(id, newQrSecret());
      store.tags.set(sessionTag(id), id);
    }
    service = new QrService({ find: async (id) => sessions.get(id) ?? null }, store, new SettableClock(now));
  });

  it('gives the course’s teacher the current code, and refuses a student', async () => {
    const code = await service.current({ actor: teacher, sessionId: A });
    expect(code).toMatchObject({ sessionId: A, mode: 'required', stepSeconds: 10, expiresAt: '2026-03-02T09:00:10.000Z' });
    expect(code.token).toBe(codesAt(store.secrets.get(A)!, A, 10, now).token);
    await expect(service.current({ actor: student, sessionId: A })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(service.current({ actor: { userId: B, role: 'teacher' }, sessionId: A })).rejects.toMatchObject({ code: ErrorCode.NOT_COURSE_TEACHER });
  });

  it('answers QR_NOT_ENABLED for a session without QR codes, SESSION_NOT_OPEN once the secret is gone', async () => {
    sessions.set(A, session(A, undefined));
    await expect(service.current({ actor: teacher, sessionId: A })).rejects.toMatchObject({ code: ErrorCode.QR_NOT_ENABLED });
    store.secrets.delete(B);
    await expect(service.current({ actor: teacher, sessionId: B })).rejects.toBeInstanceOf(DomainError);
    await expect(service.current({ actor: teacher, sessionId: B })).rejects.toMatchObject({ code: ErrorCode.SESSION_NOT_OPEN });
  });

  it('verifies this session’s token and short code; another session’s token is wrong-session', async () => {
    const mine = codesAt(store.secrets.get(A)!, A, 10, now);
    const theirs = codesAt(store.secrets.get(B)!, B, 10, now);
    await expect(verify(mine.token)).resolves.toEqual({ result: 'valid' });
    await expect(verify(mine.shortCode)).resolves.toEqual({ result: 'valid' });
    await expect(verify(theirs.token)).resolves.toEqual({ result: 'wrong-session' });
    // A token with B's tag that B's secret did not make is not "wrong session": it is invalid.
    await expect(verify(`${sessionTag(B)}.1.AAAAAAAAAAAAAAAA`)).resolves.toEqual({ result: 'invalid' });
  });

  it('throttles a student after a few failed attempts, and then refuses even a valid code unchecked', async () => {
    const mine = codesAt(store.secrets.get(A)!, A, 10, now);
    await expect(verify(mine.token)).resolves.toEqual({ result: 'valid' }); // valid attempts are forgiven
    for (let i = 0; i < QrAttemptsPerWindow; i++) await expect(verify('ABCDEF')).resolves.toEqual({ result: 'invalid' });
    await expect(verify(mine.token)).resolves.toEqual({ result: 'throttled' });
    // Per session: the same student is not throttled in another one.
    await expect(verify(codesAt(store.secrets.get(B)!, B, 10, now).token, B)).resolves.toEqual({ result: 'valid' });
  });

  it('says not-enabled for a session without QR codes', async () => {
    sessions.set(A, session(A, undefined));
    await expect(verify('ABCDEF')).resolves.toEqual({ result: 'not-enabled' });
  });
});
