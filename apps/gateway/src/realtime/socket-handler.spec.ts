import { describe, expect, it } from '@jest/globals';
import { ClientEvents, DomainError, ErrorCode } from '@classconnect/contracts';
import { runClientEvent } from './socket-handler.js';
import { fakeSocket, student } from './testing/fakes.js';

const socket = fakeSocket(student);
const sessionId = '0b7f9a52-3c1d-4e2f-8a6b-9d0c1e2f3a4b';
const courseId = '1c8e0b63-4d2e-4f3a-9b7c-0e1f2a3b4c5d';
const unreachable = async (): Promise<never> => {
  throw new Error('unreachable');
};

describe('runClientEvent', () => {
  it('passes a valid payload and the token’s actor to the handler', async () => {
    const result = await runClientEvent(socket, ClientEvents.checkinBegin, 'checkin.submit', { sessionId }, async (req, ctx) => {
      expect(ctx.actor).toEqual(student);
      return { sessionId: req.sessionId, options: { challenge: 'abc' }, expiresAt: 'later' };
    });
    expect(result).toEqual({ ok: true, data: { sessionId, options: { challenge: 'abc' }, expiresAt: 'later' } });
  });

  it('answers VALIDATION_FAILED naming the field, without calling the handler', async () => {
    const result = await runClientEvent(socket, ClientEvents.checkinBegin, 'checkin.submit', { sessionId: 'not-a-uuid' }, unreachable);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect(result.error.message).toContain('sessionId');
    }
  });

  it('refuses a malformed payload as such before checking the role, then the role before the handler', async () => {
    const malformed = await runClientEvent(socket, ClientEvents.sessionStart, 'session.start', { courseId: 'x' }, unreachable);
    expect(malformed).toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
    const forbidden = await runClientEvent(socket, ClientEvents.historyCourse, 'history.read-course', { courseId }, unreachable);
    expect(forbidden).toEqual({ ok: false, error: { code: ErrorCode.FORBIDDEN, message: 'Your account (student) is not allowed to read a course’s attendance history.' } });
  });

  it.each([[{ sessionId, studentId: student.userId }], [{ sessionId, actor: student }], [{ sessionId, userId: 'x' }]])(
    'refuses a payload that names an identity: %j',
    async (payload) => {
      const result = await runClientEvent(socket, ClientEvents.checkinBegin, 'checkin.submit', payload, unreachable);
      expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.IDENTITY_MISMATCH } });
    },
  );

  it('rejects unknown fields, arrays and non-objects', async () => {
    for (const payload of [{ sessionId, extra: 1 }, [sessionId], 'text', 42]) {
      const result = await runClientEvent(socket, ClientEvents.checkinBegin, 'checkin.submit', payload, unreachable);
      expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
    }
  });

  it('maps domain errors to their code and hides unexpected ones behind an error id', async () => {
    const domain = await runClientEvent(socket, ClientEvents.sessionsActive, 'session.list-active', {}, async () => {
      throw new DomainError(ErrorCode.SESSION_NOT_OPEN, 'Closed.');
    });
    expect(domain).toEqual({ ok: false, error: { code: ErrorCode.SESSION_NOT_OPEN, message: 'Closed.' } });
    const unexpected = await runClientEvent(socket, ClientEvents.sessionsActive, 'session.list-active', undefined, async () => {
      throw new Error('database password is hunter2');
    });
    expect(unexpected).toMatchObject({ ok: false, error: { code: ErrorCode.INTERNAL } });
    if (!unexpected.ok) {
      expect(unexpected.error.message).not.toContain('hunter2');
      expect(unexpected.error.errorId).toMatch(/^[0-9a-f]{8}$/);
    }
  });
});
