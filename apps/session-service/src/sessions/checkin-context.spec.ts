import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { SettableClock } from '@classconnect/config';
import type { Actor } from '@classconnect/contracts';
import { QrAttemptsPerWindow } from '../qr/qr-judge.js';
import type { FakeQrStore } from '../qr/testing/fakes.js';
import type { SessionService } from './session.service.js';
import { opening, sessionFixture, type SessionFixture } from './testing/session-fixture.js';

const teacher: Actor = { userId: randomUUID(), role: 'teacher' };
const alice = { id: randomUUID(), name: 'Alice Martin', email: 'alice@uni.test' };
const bob = { id: randomUUID(), name: 'Bob Dupont', email: 'bob@uni.test' };

/** checkin-context at checkin:begin: the QR code the student gives is judged there, once, and counted. */
describe('SessionService.checkinContext with a QR code', () => {
  let fixture: SessionFixture;
  let qrStore: FakeQrStore;
  let clock: SettableClock;
  let service: SessionService;

  const start = async (mode?: 'offered' | 'required', windowMinutes?: number) => (await fixture.start({ qr: mode, windowMinutes })).sessionId;
  const codes: SessionFixture['codes'] = (...args) => fixture.codes(...args);
  const context = (sessionId: string, studentId: string, qr?: string) => service.checkinContext({ sessionId, studentId, ...(qr ? { qr } : {}) });

  beforeEach(() => {
    fixture = sessionFixture({ teacher, roster: [alice, bob] });
    ({ qrStore, clock, service } = fixture);
  });

  it('judges the code as of now: the current token and short code are valid, one two steps old is expired, a made-up one invalid', async () => {
    const sessionId = await start('required');
    const early = codes(sessionId);
    await expect(context(sessionId, alice.id, early.token)).resolves.toMatchObject({ qrMode: 'required', qr: 'valid' });
    await expect(context(sessionId, alice.id, early.shortCode)).resolves.toMatchObject({ qr: 'valid' });
    clock.set(new Date(opening.getTime() + 20_000));
    await expect(context(sessionId, alice.id, early.token)).resolves.toMatchObject({ qr: 'expired' });
    await expect(context(sessionId, bob.id, 'ABCDEF')).resolves.toMatchObject({ qr: 'invalid' });
    // No code: nothing judged, nothing counted.
    await expect(context(sessionId, bob.id)).resolves.not.toHaveProperty('qr');
  });

  it('counts wrong codes per student: past the limit even the right code is throttled, and a right one costs nothing', async () => {
    const sessionId = await start('offered');
    for (let i = 0; i < 3; i++) await expect(context(sessionId, alice.id, codes(sessionId).token)).resolves.toMatchObject({ qr: 'valid' });
    for (let i = 0; i < QrAttemptsPerWindow; i++) await expect(context(sessionId, alice.id, 'ABCDEF')).resolves.toMatchObject({ qr: 'invalid' });
    await expect(context(sessionId, alice.id, codes(sessionId).token)).resolves.toMatchObject({ qr: 'throttled' });
    // Bob's attempts are his own.
    await expect(context(sessionId, bob.id, codes(sessionId).token)).resolves.toMatchObject({ qr: 'valid' });
  });

  it('judges no code (and counts none) for a student who may not check in, or in a session without QR codes', async () => {
    const stranger = randomUUID();
    const sessionId = await start('required', 15);
    const { token } = codes(sessionId);
    await expect(context(sessionId, stranger, token)).resolves.toMatchObject({ enrolled: false });
    await expect(context(sessionId, stranger, token)).resolves.not.toHaveProperty('qr');
    await service.recordMark({ sessionId, studentId: alice.id, submissionId: 's', distanceM: 1, accuracyM: 5, methods: ['passkey', 'geofence', 'qr'], verifiedAt: clock.now().toISOString() });
    await expect(context(sessionId, alice.id, token)).resolves.toMatchObject({ alreadyPresent: true });
    await expect(context(sessionId, alice.id, token)).resolves.not.toHaveProperty('qr');
    clock.set(new Date(opening.getTime() + 16 * 60_000));
    await expect(context(sessionId, bob.id, 'ABCDEF')).resolves.toMatchObject({ windowClosed: true });
    await expect(context(sessionId, bob.id, 'ABCDEF')).resolves.not.toHaveProperty('qr');
    expect(qrStore.attempts.size).toBe(0);

    await service.stop({ actor: teacher, sessionId });
    const plain = await start();
    await expect(context(plain, alice.id, 'ABCDEF')).resolves.not.toHaveProperty('qr');
  });

  it('keeps a mark proven by a code judged at begin with qr among its methods, once', async () => {
    const sessionId = await start('required');
    const reply = await service.recordMark({ sessionId, studentId: alice.id, submissionId: 's', distanceM: 1, accuracyM: 5, methods: ['passkey', 'geofence', 'qr'], verifiedAt: clock.now().toISOString() });
    expect(reply).toMatchObject({ result: 'recorded', methods: ['passkey', 'geofence', 'qr'] });
  });
});
