import { describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io';
import { ClientEvents, DomainError, ErrorCode } from '@classconnect/contracts';
import { runClientEvent } from './socket-handler.js';

const actor = { userId: '6f1c1c6e-8f0a-4d8e-9a53-2f5c3b9e4d11', role: 'student' as const };
const socket = { id: 'sock-1', data: { actor, claims: { ...actor, email: 's@x', name: 'S' }, courseIds: { teaching: [], enrolled: [] } } } as unknown as Socket;
const sessionId = '0b7f9a52-3c1d-4e2f-8a6b-9d0c1e2f3a4b';

describe('runClientEvent', () => {
  it('passes a valid payload and the token’s actor to the handler', async () => {
    const result = await runClientEvent(socket, ClientEvents.checkinBegin, { sessionId }, async (req, ctx) => {
      expect(ctx.actor).toEqual(actor);
      return { sessionId: req.sessionId, options: { challenge: 'abc' }, expiresAt: 'later' };
    });
    expect(result).toEqual({ ok: true, data: { sessionId, options: { challenge: 'abc' }, expiresAt: 'later' } });
  });

  it('answers VALIDATION_FAILED naming the field, without calling the handler', async () => {
    let called = false;
    const result = await runClientEvent(socket, ClientEvents.checkinBegin, { sessionId: 'not-a-uuid' }, async () => {
      called = true;
      throw new Error('unreachable');
    });
    expect(called).toBe(false);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect(result.error.message).toContain('sessionId');
    }
  });

  it.each([[{ sessionId, studentId: actor.userId }], [{ sessionId, actor }], [{ sessionId, userId: 'x' }]])(
    'refuses a payload that names an identity: %j',
    async (payload) => {
      const result = await runClientEvent(socket, ClientEvents.checkinBegin, payload, async () => {
        throw new Error('unreachable');
      });
      expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.IDENTITY_MISMATCH } });
    },
  );

  it('rejects unknown fields, arrays and non-objects', async () => {
    for (const payload of [{ sessionId, extra: 1 }, [sessionId], 'text', 42]) {
      const result = await runClientEvent(socket, ClientEvents.checkinBegin, payload, async () => {
        throw new Error('unreachable');
      });
      expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
    }
  });

  it('maps domain errors to their code and hides unexpected ones behind an error id', async () => {
    const domain = await runClientEvent(socket, ClientEvents.sessionsActive, {}, async () => {
      throw new DomainError(ErrorCode.SESSION_NOT_OPEN, 'Closed.');
    });
    expect(domain).toEqual({ ok: false, error: { code: ErrorCode.SESSION_NOT_OPEN, message: 'Closed.' } });
    const unexpected = await runClientEvent(socket, ClientEvents.sessionsActive, undefined, async () => {
      throw new Error('database password is hunter2');
    });
    expect(unexpected).toMatchObject({ ok: false, error: { code: ErrorCode.INTERNAL } });
    if (!unexpected.ok) {
      expect(unexpected.error.message).not.toContain('hunter2');
      expect(unexpected.error.errorId).toMatch(/^[0-9a-f]{8}$/);
    }
  });
});
