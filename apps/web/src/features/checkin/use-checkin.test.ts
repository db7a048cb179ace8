import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CheckinResult, IssueChallengeReply, Position, SessionView } from '@classconnect/contracts';
import { LocationError } from '../../geo.js';
import { t } from '../../i18n.js';
import type { Live } from '../../live.js';
import { FakeLive } from '../../testing/fake-live.js';
import { renderHook, type HookHandle } from '../../testing/render-hook.js';
import { useCheckin, type CheckinDevice } from './use-checkin.js';

const session = { sessionId: 's-1', courseCode: 'GEO101', courseTitle: 'Maps', status: 'open', radiusM: 50 } as SessionView;
const here: Position = { latitude: 45.75, longitude: 4.83, accuracy: 10 };
const challenge = { ok: true as const, data: { options: { challenge: 'abc' } } as unknown as IssueChallengeReply };
const assertion = { id: 'cred', response: {} };
const verdict = (extra: Partial<CheckinResult> = {}): CheckinResult => ({ submissionId: 'sub-1', sessionId: 's-1', verdict: 'accepted', at: '2026-12-07T09:00:00.000Z', ...extra });

/** A promise the test settles when it wants: the passkey prompt or the position "taking time". */
function later<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('useCheckin: the student’s check-in, step by step', () => {
  let hook: HookHandle<ReturnType<typeof useCheckin>> | undefined;
  const events = { onNoPasskey: vi.fn(), onCodeRefused: vi.fn() };
  const start = (live: FakeLive, device: CheckinDevice) => {
    hook = renderHook(() => useCheckin(live as unknown as Live, events, device));
    return hook;
  };
  const step = () => hook!.result.current.steps.get('s-1');

  afterEach(() => {
    hook?.unmount();
    hook = undefined;
    vi.useRealTimers();
    events.onNoPasskey.mockReset();
    events.onCodeRefused.mockReset();
  });

  it('asks for a challenge with the code, signs it while the position is found, sends both, and shows the pushed verdict', async () => {
    const live = new FakeLive().answer('checkin:begin', challenge).answer('checkin:submit', { ok: true, data: { submissionId: 'sub-1', status: 'pending' } });
    const sign = later<Record<string, unknown>>();
    const device = { sign: vi.fn(() => sign.promise), locate: vi.fn(async () => here) };
    const { result, settle } = start(live, device);

    const done = result.current.checkIn(session, '  K7Q2XM ');
    await settle();
    // The code is judged at begin, so the time the passkey prompt takes does not count against it.
    expect(live.sentOf('checkin:begin')[0]).toEqual({ sessionId: 's-1', qr: 'K7Q2XM' });
    expect(step()).toEqual({ kind: 'busy', label: 'stepPasskey' });
    expect(device.sign).toHaveBeenCalledWith({ challenge: 'abc' });
    // The position is asked at the same time as the passkey, not after it.
    expect(device.locate).toHaveBeenCalledTimes(1);

    sign.resolve(assertion);
    await settle();
    expect(step()).toEqual({ kind: 'busy', label: 'stepChecking' });
    const [sent] = live.sentOf('checkin:submit');
    expect(sent).toMatchObject({ sessionId: 's-1', assertion, position: here });
    expect(sent).not.toHaveProperty('qr');
    expect(sent!.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);

    live.push('checkin:result', verdict());
    await done;
    await settle();
    expect(step()).toEqual({ kind: 'accepted', at: '2026-12-07T09:00:00.000Z' });
    expect(live.sent.map((s) => s.event)).toEqual(['checkin:begin', 'checkin:submit']);
  });

  it('sends no qr field when no code was given', async () => {
    const live = new FakeLive().answer('checkin:begin', challenge).answer('checkin:submit', { ok: true, data: { submissionId: 'sub-1', status: 'decided', result: verdict() } });
    const { result, settle } = start(live, { sign: async () => assertion, locate: async () => here });
    await result.current.checkIn(session, '   ');
    await settle();
    expect(live.sentOf('checkin:begin')[0]).not.toHaveProperty('qr');
    expect(live.sentOf('checkin:submit')[0]).not.toHaveProperty('qr');
    expect(step()?.kind).toBe('accepted');
  });

  it('reads "already checked in" at begin as accepted, without asking for a passkey', async () => {
    const live = new FakeLive().answer('checkin:begin', { ok: false, error: { code: 'ALREADY_CHECKED_IN', message: 'x' } });
    const device = { sign: vi.fn(async () => assertion), locate: vi.fn(async () => here) };
    const { result, settle } = start(live, device);
    await result.current.checkIn(session);
    await settle();
    expect(step()?.kind).toBe('accepted');
    expect(device.sign).not.toHaveBeenCalled();
  });

  it('sends a student without a passkey to the set-up, and the card back to idle', async () => {
    const live = new FakeLive().answer('checkin:begin', { ok: false, error: { code: 'NO_PASSKEY', message: 'x' } });
    const { result, settle } = start(live, { sign: async () => assertion, locate: async () => here });
    await result.current.checkIn(session);
    await settle();
    expect(events.onNoPasskey).toHaveBeenCalledTimes(1);
    expect(step()).toEqual({ kind: 'idle' });
  });

  it('reads a cancelled passkey prompt as "not verified" and sends nothing', async () => {
    const live = new FakeLive().answer('checkin:begin', challenge);
    const { result, settle } = start(live, { sign: async () => Promise.reject(new DOMException('no', 'NotAllowedError')), locate: async () => here });
    await result.current.checkIn(session);
    await settle();
    expect(step()).toEqual({ kind: 'rejected', code: 'USER_NOT_VERIFIED' });
    expect(live.sentOf('checkin:submit')).toEqual([]);
  });

  it('says the position was refused in words, and sends nothing', async () => {
    const live = new FakeLive().answer('checkin:begin', challenge);
    const { result, settle } = start(live, { sign: async () => assertion, locate: () => Promise.reject(new LocationError('denied')) });
    await result.current.checkIn(session);
    await settle();
    expect(step()).toEqual({ kind: 'problem', text: t('locationDenied') });
    expect(live.sentOf('checkin:submit')).toEqual([]);
  });

  it('waits for the network before starting, saying so, and starts by itself when it is back', async () => {
    const live = new FakeLive().answer('checkin:begin', challenge).answer('checkin:submit', { ok: true, data: { submissionId: 'sub-1', status: 'decided', result: verdict() } });
    live.goOffline();
    const { result, settle } = start(live, { sign: async () => assertion, locate: async () => here });
    const done = result.current.checkIn(session);
    await settle();
    expect(step()).toEqual({ kind: 'busy', label: 'waitingNetwork' });
    expect(live.sent).toEqual([]);
    live.goOnline();
    await done;
    await settle();
    expect(step()?.kind).toBe('accepted');
  });

  it('resends the same attempt (same idempotency key) while the server is busy', async () => {
    vi.useFakeTimers();
    const busy = { ok: false as const, error: { code: 'SERVICE_UNAVAILABLE' as const, message: 'x' } };
    const live = new FakeLive().answer('checkin:begin', challenge).answer('checkin:submit', busy, busy, { ok: true, data: { submissionId: 'sub-1', status: 'decided', result: verdict() } });
    const { result } = start(live, { sign: async () => assertion, locate: async () => here });
    const done = result.current.checkIn(session);
    await vi.advanceTimersByTimeAsync(5_000);
    await done;
    const sent = live.sentOf('checkin:submit');
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((p) => p.idempotencyKey)).size).toBe(1);
    expect(step()?.kind).toBe('accepted');
  });

  it('asks again with the same attempt when the verdict push was lost, and takes the verdict from the answer', async () => {
    vi.useFakeTimers();
    const live = new FakeLive()
      .answer('checkin:begin', challenge)
      .answer('checkin:submit', { ok: true, data: { submissionId: 'sub-1', status: 'pending' } }, { ok: true, data: { submissionId: 'sub-1', status: 'decided', result: verdict({ verdict: 'rejected', reason: 'OUTSIDE_GEOFENCE', distanceM: 240 }) } });
    const { result } = start(live, { sign: async () => assertion, locate: async () => here });
    const done = result.current.checkIn(session);
    await vi.advanceTimersByTimeAsync(14_000);
    expect(step()).toEqual({ kind: 'busy', label: 'stepChecking' });
    expect(live.sentOf('checkin:submit')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_500);
    await done;
    const sent = live.sentOf('checkin:submit');
    expect(sent).toHaveLength(2);
    expect(sent[1]!.idempotencyKey).toBe(sent[0]!.idempotencyKey);
    expect(step()).toEqual({ kind: 'rejected', code: 'OUTSIDE_GEOFENCE', distanceM: 240 });
  });

  it('turns a stale QR code into "try again" (not refused) and has the field forget the code', async () => {
    const live = new FakeLive().answer('checkin:begin', challenge).answer('checkin:submit', { ok: true, data: { submissionId: 'sub-1', status: 'pending' } });
    const { result, settle } = start(live, { sign: async () => assertion, locate: async () => here });
    const done = result.current.checkIn(session, 'OLD123');
    await settle();
    live.push('checkin:result', verdict({ verdict: 'rejected', reason: 'QR_EXPIRED' }));
    await done;
    await settle();
    expect(step()).toEqual({ kind: 'retry', code: 'QR_EXPIRED' });
    expect(events.onCodeRefused).toHaveBeenCalledWith('s-1');
  });

  it('turns a code refused at begin into "try again", without asking for a passkey', async () => {
    const live = new FakeLive().answer('checkin:begin', { ok: false, error: { code: 'QR_EXPIRED', message: 'x' } });
    const device = { sign: vi.fn(async () => assertion), locate: vi.fn(async () => here) };
    const { result, settle } = start(live, device);
    await result.current.checkIn(session, 'OLD123');
    await settle();
    expect(step()).toEqual({ kind: 'retry', code: 'QR_EXPIRED' });
    expect(events.onCodeRefused).toHaveBeenCalledWith('s-1');
    expect(device.sign).not.toHaveBeenCalled();
    expect(live.sentOf('checkin:submit')).toEqual([]);
  });

  it('after no verdict at all, asks whether the student is marked, and says it could not confirm otherwise', async () => {
    vi.useFakeTimers();
    const live = new FakeLive()
      .answer('checkin:begin', challenge, { ok: false, error: { code: 'SESSION_NOT_OPEN', message: 'x' } })
      .answer('checkin:submit', { ok: true, data: { submissionId: 'sub-1', status: 'pending' } });
    const { result } = start(live, { sign: async () => assertion, locate: async () => here });
    const done = result.current.checkIn(session);
    await vi.advanceTimersByTimeAsync(26_000);
    await done;
    expect(live.sentOf('checkin:begin')).toHaveLength(2);
    expect(step()).toEqual({ kind: 'problem', text: `${t('unconfirmedTitle')}. ${t('unconfirmedBody')}` });
  });

  it('stops listening for verdicts when the page goes', () => {
    const live = new FakeLive();
    const { unmount } = start(live, { sign: async () => assertion, locate: async () => here });
    expect(live.listening('checkin:result')).toBe(1);
    unmount();
    hook = undefined;
    expect(live.listening('checkin:result')).toBe(0);
  });
});
