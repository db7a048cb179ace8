import { beforeEach, describe, expect, it } from '@jest/globals';
import { SettableClock } from '@classconnect/config';
import { DomainError, ErrorCode, type Actor } from '@classconnect/contracts';
import type { SessionRecord } from '../sessions/session.model.js';
import { codesAt, newQrSecret, sessionTag } from './qr-code.js';
import { QrService } from './qr.service.js';
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
});
