import type { Clock } from '@classconnect/config';
import { checkQrCode, isTokenOf, tagOf } from './qr-code.js';
import type { QrStore, QrVerdict } from './qr.repository.js';

/** Failed QR attempts a student may make per session within QrAttemptWindowSeconds; the next is refused unchecked. */
export const QrAttemptsPerWindow = 5;
export const QrAttemptWindowSeconds = 60;

export type { QrVerdict };

/**
 * Judges a student's code for a session as of `at` (when the gateway queued the check-in, so a
 * redelivery after a crash reaches the same verdict). The secret stays in session-service:
 * verification-service gets verdicts.
 */
export class QrJudge {
  constructor(
    private readonly store: QrStore,
    private readonly clock: Clock,
  ) {}

  /** `not-enabled`: the session does not use QR codes (the code is ignored, and not counted). */
  async judge(sessionId: string, code: string, at: Date): Promise<QrVerdict | 'not-enabled'> {
    const state = await this.store.qrState(sessionId);
    if (!state) return 'not-enabled';
    // No secret: the session closed, which the record-mark script reports before any code.
    if (!state.secret) return 'invalid';
    const now = this.clock.now();
    const check = checkQrCode({ secret: state.secret, sessionId, stepSeconds: state.stepSeconds, code, at, now });
    return check === 'foreign' ? this.foreign(code, now) : check;
  }

  /**
   * At checkin:begin: judges the code as of now and counts the attempt against the student (a few
   * wrong codes a minute per session, then `throttled`). `not-enabled`: the session does not use QR
   * codes (the code is ignored, and not counted).
   */
  async judgeAndCount(sessionId: string, studentId: string, code: string): Promise<QrVerdict | 'throttled' | 'not-enabled'> {
    const verdict = await this.judge(sessionId, code, this.clock.now());
    if (verdict === 'not-enabled') return verdict;
    return this.store.countAttempt(sessionId, studentId, verdict, { attemptsPerWindow: QrAttemptsPerWindow, windowSeconds: QrAttemptWindowSeconds });
  }

  /** A token with another session's tag: wrong-session only if that session's secret really made it. */
  private async foreign(code: string, now: Date): Promise<QrVerdict> {
    const tag = tagOf(code);
    const otherId = tag ? await this.store.sessionOfTag(tag) : null;
    if (!otherId) return 'invalid';
    const other = await this.store.qrState(otherId);
    if (!other?.secret) return 'invalid';
    return isTokenOf(other.secret, otherId, code, now, other.stepSeconds) ? 'wrong-session' : 'invalid';
  }
}
