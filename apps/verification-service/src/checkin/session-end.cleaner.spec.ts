import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { DomainError, ErrorCode, type CheckinContextReply } from '@classconnect/contracts';
import type { ConsumedMessage, NatsConnection, SessionClient } from '@classconnect/messaging';
import { MemoryFlagState } from '../flags/testing/fakes.js';
import { SessionEndCleaner } from './session-end.cleaner.js';
import { MemoryChallenges } from './testing/fakes.js';

const closedAt = Date.parse('2026-03-02T10:00:00.000Z');

function closeOf(sessionId: string): ConsumedMessage {
  const event = {
    specversion: '1.0',
    id: randomUUID(),
    source: '/session-service',
    type: 'edu.classconnect.attendance.session.closed.v1',
    time: new Date(closedAt).toISOString(),
    datacontenttype: 'application/json',
    data: { sessionId, courseId: randomUUID(), closedAt: new Date(closedAt).toISOString(), closedBy: randomUUID(), presentStudentIds: [] },
  };
  const data = new TextEncoder().encode(JSON.stringify(event));
  return { subject: 'attendance.session.closed.v1', data, seq: 1, info: { deliveryCount: 1 }, json: () => event as never };
}

/** session-service's answer to the check-in context the cleaner asks for: the session's status, or an error. */
function setUp(answer: 'open' | 'closed' | Error) {
  const state = new MemoryFlagState();
  const challenges = new MemoryChallenges();
  const asked: string[] = [];
  const sessions = {
    async checkinContext(sessionId: string) {
      asked.push(sessionId);
      if (answer instanceof Error) throw answer;
      return { sessionId, status: answer } as CheckinContextReply;
    },
  } as unknown as SessionClient;
  const cleaner = new SessionEndCleaner({} as NatsConnection, state, challenges, sessions);
  return { state, challenges, cleaner, asked };
}

async function withState(state: MemoryFlagState, challenges: MemoryChallenges, sessionId: string) {
  await state.sessionKey(sessionId);
  await state.sightPosition(sessionId, 'p', { studentId: 'alice', submissionId: 's1', at: closedAt - 60_000 });
  const fence = { latitude: 48.1, longitude: 11.5, radiusM: 100 };
  await challenges.issue('before', { sessionId, studentId: 'alice' }, { courseId: 'c', fence }, 120, closedAt - 1_000);
  await challenges.issue('after', { sessionId, studentId: 'bob' }, { courseId: 'c', fence }, 120, closedAt + 1_000);
}

/** The challenges that still carry the fence's centre (the close takes it from those issued before it). */
const withFence = (challenges: MemoryChallenges) => [...challenges.byChallenge].filter(([, c]) => c.context.fence).map(([id]) => id);

describe('SessionEndCleaner', () => {
  it('forgets a closed session’s flag state and the challenges issued before the close', async () => {
    const sessionId = randomUUID();
    const { state, challenges, cleaner, asked } = setUp('closed');
    await withState(state, challenges, sessionId);
    await cleaner.onMessage(closeOf(sessionId));
    expect(asked).toEqual([sessionId]);
    expect(state.keys.has(sessionId) || state.positions.has(sessionId)).toBe(false);
    expect(withFence(challenges)).toEqual(['after']);
  });

  it('keeps the flag state of a session open again when its close is seen (reopened meanwhile), still forgetting the older challenges', async () => {
    const sessionId = randomUUID();
    const { state, challenges, cleaner } = setUp('open');
    await withState(state, challenges, sessionId);
    const key = await state.sessionKey(sessionId);
    await cleaner.onMessage(closeOf(sessionId));
    expect(await state.sessionKey(sessionId)).toEqual(key);
    expect(state.positions.get(sessionId)?.size).toBe(1);
    expect(withFence(challenges)).toEqual(['after']);
  });

  it('forgets the flag state of a session session-service no longer knows', async () => {
    const sessionId = randomUUID();
    const { state, challenges, cleaner } = setUp(new DomainError(ErrorCode.SESSION_NOT_FOUND, 'There is no such session.'));
    await withState(state, challenges, sessionId);
    await cleaner.onMessage(closeOf(sessionId));
    expect(state.keys.has(sessionId)).toBe(false);
  });

  it('throws when session-service cannot answer, keeping the flag state, so the close is handled again later', async () => {
    const sessionId = randomUUID();
    const { state, challenges, cleaner } = setUp(new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'Try again.'));
    await withState(state, challenges, sessionId);
    await expect(cleaner.onMessage(closeOf(sessionId))).rejects.toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });
    expect(state.keys.has(sessionId)).toBe(true);
  });

  it('skips an event that does not match session.closed, changing nothing', async () => {
    const sessionId = randomUUID();
    const { state, challenges, cleaner, asked } = setUp('closed');
    await withState(state, challenges, sessionId);
    const bad = { ...closeOf(sessionId), data: new TextEncoder().encode(JSON.stringify({ specversion: '1.0', id: 'x', type: 't', source: 's', time: new Date().toISOString(), data: { sessionId: 'not-a-uuid' } })) };
    await cleaner.onMessage(bad);
    expect(asked).toEqual([]);
    expect(state.keys.has(sessionId)).toBe(true);
  });
});
