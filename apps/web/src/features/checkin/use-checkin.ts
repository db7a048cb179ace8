/**
 * The student's check-in, step by step (docs/protocol.md): `checkin:begin` for a challenge, the
 * passkey prompt while the position is looked up, `checkin:submit` (resent with the same
 * idempotency key after a drop or a busy server), then the verdict pushed as `checkin:result` —
 * asked again when the push was lost — and a stale or wrong QR code turned into "try again".
 * The screens (student.tsx) only draw each session's Step and call checkIn().
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CheckinResult, SessionView } from '@classconnect/contracts';
import { LocationError, currentPosition } from '../../geo.js';
import { t } from '../../i18n.js';
import type { Live } from '../../live.js';
import { isRetryReason } from '../roster/roster-model.js';
import { signChallenge } from '../../webauthn.js';

export type Step =
  | { kind: 'idle' }
  | { kind: 'busy'; label: 'stepStarting' | 'stepPasskey' | 'stepLocation' | 'stepSending' | 'stepChecking' | 'waitingNetwork' }
  | { kind: 'accepted'; at: string }
  | { kind: 'rejected'; code: string; distanceM?: number }
  /** The QR code was stale, mistyped or guessed too often: nothing is wrong with the student, they type the code shown now. */
  | { kind: 'retry'; code: string }
  | { kind: 'problem'; text: string };

/** What the check-in needs of the live channel (live.ts): a fake stands in for it in the tests. */
export type CheckinChannel = Pick<Live, 'state' | 'request' | 'on' | 'whenOnline'>;

/** The browser's parts of a check-in: the passkey prompt and the position (replaced in the tests). */
export interface CheckinDevice {
  sign: typeof signChallenge;
  locate: typeof currentPosition;
}

const browserDevice: CheckinDevice = { sign: signChallenge, locate: currentPosition };

export interface CheckinEvents {
  /** The server says this account has no passkey (yet, or any more): the page offers to set one up. */
  onNoPasskey: () => void;
  /** The QR code sent was refused as stale or wrong: the field forgets it and asks for the one shown now. */
  onCodeRefused: (sessionId: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function useCheckin(live: CheckinChannel, events: CheckinEvents, device: CheckinDevice = browserDevice) {
  const [steps, setSteps] = useState<Map<string, Step>>(new Map());
  const results = useRef(new Map<string, CheckinResult>());
  const resultWaiters = useRef(new Map<string, (r: CheckinResult) => void>());

  const setStep = useCallback((sessionId: string, step: Step) => setSteps((m) => new Map(m).set(sessionId, step)), []);

  useEffect(
    () =>
      live.on('checkin:result', (r) => {
        results.current.set(r.submissionId, r);
        resultWaiters.current.get(r.submissionId)?.(r);
      }),
    [live],
  );

  /** Waits for the verdict of `submissionId` (it may already have arrived), at most `ms`. */
  const waitForResult = useCallback((submissionId: string, ms: number): Promise<CheckinResult | null> => {
    const known = results.current.get(submissionId);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        resultWaiters.current.delete(submissionId);
        resolve(null);
      }, ms);
      resultWaiters.current.set(submissionId, (r) => {
        clearTimeout(timer);
        resultWaiters.current.delete(submissionId);
        resolve(r);
      });
    });
  }, []);

  /** The code was refused (stale, wrong, too many tries): the screen clears it, and the card asks for the one shown now. */
  function askForFreshCode(sessionId: string, reason: string) {
    events.onCodeRefused(sessionId);
    setStep(sessionId, { kind: 'retry', code: reason });
  }

  /** One check-in to `session`, with the QR code typed or scanned for it (if any). */
  async function checkIn(session: SessionView, code?: string) {
    const id = session.sessionId;
    // Offline: say so, and start by itself when the network is back (nothing to confirm yet).
    if (live.state !== 'online') {
      setStep(id, { kind: 'busy', label: 'waitingNetwork' });
      await live.whenOnline();
    }
    setStep(id, { kind: 'busy', label: 'stepStarting' });
    // The code is judged now, when it was scanned or typed: the passkey prompt and the position take
    // what time they need without it going stale.
    const qr = code?.trim();
    const begin = await live.request('checkin:begin', { sessionId: id, ...(qr ? { qr } : {}) });
    if (!begin.ok) {
      if (begin.error.code === 'ALREADY_CHECKED_IN') return setStep(id, { kind: 'accepted', at: new Date().toISOString() });
      // A stale or wrong code: the field asks for the one shown now, and the card says "try again".
      if (isRetryReason(begin.error.code)) return askForFreshCode(id, begin.error.code);
      if (begin.error.code === 'NO_PASSKEY') {
        events.onNoPasskey();
        return setStep(id, { kind: 'idle' });
      }
      return setStep(id, { kind: 'rejected', code: begin.error.code });
    }
    setStep(id, { kind: 'busy', label: 'stepPasskey' });
    // The position is looked up while the person confirms with their passkey.
    const position = device.locate();
    position.catch(() => {});
    let assertion: Record<string, unknown>;
    try {
      assertion = await device.sign(begin.data.options);
    } catch (err) {
      // NotAllowedError: the person cancelled, or the phone could not verify them (no fingerprint, face or
      // PIN set up): browsers do not say which, and both are fixed the same way.
      const name = err instanceof DOMException ? err.name : '';
      return setStep(id, { kind: 'rejected', code: name === 'NotAllowedError' || name === 'AbortError' ? 'USER_NOT_VERIFIED' : 'ASSERTION_INVALID' });
    }
    setStep(id, { kind: 'busy', label: 'stepLocation' });
    let where;
    try {
      where = await position;
    } catch (err) {
      return setStep(id, { kind: 'problem', text: t(err instanceof LocationError && err.kind === 'denied' ? 'locationDenied' : 'locationUnavailable') });
    }
    // One attempt = one idempotency key: every resend of this payload (after a drop or a busy server) is the same check-in.
    const payload = { sessionId: id, assertion, position: where, idempotencyKey: crypto.randomUUID() } as const;
    let submissionId: string | null = null;
    for (let attempt = 0; submissionId === null; attempt++) {
      if (live.state !== 'online') {
        setStep(id, { kind: 'busy', label: 'waitingNetwork' });
        await live.whenOnline();
      }
      setStep(id, { kind: 'busy', label: 'stepSending' });
      const res = await live.request('checkin:submit', payload as never);
      if (res.ok) {
        submissionId = res.data.submissionId;
        // A resend of an attempt that was already decided carries its verdict in the ack (no push follows).
        if (res.data.status === 'decided' && res.data.result) results.current.set(submissionId, res.data.result);
      }
      else if (res.error.code === 'SERVICE_UNAVAILABLE' && attempt < 12) await sleep(Math.min(8_000, 500 * 2 ** attempt));
      else return setStep(id, { kind: 'rejected', code: res.error.code });
    }
    setStep(id, { kind: 'busy', label: 'stepChecking' });
    let result = await waitForResult(submissionId, 15_000);
    if (!result) {
      // The push may have been lost in a dropped connection: resend the same attempt (same key), which
      // answers with the verdict if it was decided, then wait a little more.
      await live.whenOnline();
      const again = await live.request('checkin:submit', payload as never);
      if (again.ok && again.data.status === 'decided' && again.data.result) result = again.data.result;
      else result = await waitForResult(submissionId, 10_000);
    }
    // A refused code is stale or wrong: the field asks for a fresh one, and the card says "try again", not "refused".
    if (result?.reason && isRetryReason(result.reason)) return askForFreshCode(id, result.reason);
    if (result) {
      return setStep(id, result.verdict === 'accepted' ? { kind: 'accepted', at: result.at } : { kind: 'rejected', code: result.reason ?? 'INTERNAL', distanceM: result.distanceM });
    }
    // No verdict pushed (it may have been sent while we were offline): ask whether we are marked.
    const probe = await live.request('checkin:begin', { sessionId: id });
    if (!probe.ok && probe.error.code === 'ALREADY_CHECKED_IN') return setStep(id, { kind: 'accepted', at: new Date().toISOString() });
    setStep(id, { kind: 'problem', text: `${t('unconfirmedTitle')}. ${t('unconfirmedBody')}` });
  }

  return { steps, setSteps, checkIn };
}
