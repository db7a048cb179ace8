import { DomainError, ErrorCode, Rpc, authorize, type QrCodeReply, type RpcParsed, type VerifyQrReply } from '@classconnect/contracts';
import type { Clock } from '@classconnect/config';
import { createLogger } from '@classconnect/observability';
import type { SessionStore } from '../sessions/session.model.js';
import { isTeacherOf, notFound } from '../sessions/session.service.js';
import { checkQrCode, codesAt, isTokenOf, tagOf } from './qr-code.js';
import type { QrStore } from './qr.repository.js';

/** Failed QR attempts a student may make per session within QrAttemptWindowSeconds; the next is refused unchecked. */
export const QrAttemptsPerWindow = 5;
export const QrAttemptWindowSeconds = 60;

/**
 * Rotating QR codes: the code a teacher's screen shows now, and whether a student's code is valid.
 * The secret stays here: the teacher gets codes, verification-service gets verdicts.
 */
export class QrService {
  private readonly log = createLogger(QrService.name);

  constructor(
    private readonly sessions: Pick<SessionStore, 'find'>,
    private readonly store: QrStore,
    private readonly clock: Clock,
  ) {}

  /** For the course's teachers (as when the session opened) and admins, while the session is open. Called once per step. */
  async current(req: RpcParsed<typeof Rpc.sessionQr>): Promise<QrCodeReply> {
    const { actor, sessionId } = req;
    authorize(actor, 'session.show-qr');
    const session = await this.sessions.find(sessionId);
    if (!session) throw notFound();
    if (!isTeacherOf(actor, session, 'session.show-qr')) {
      throw new DomainError(ErrorCode.NOT_COURSE_TEACHER, `You do not teach ${session.courseCode}, so you cannot show its QR code.`);
    }
    if (!session.qr) throw new DomainError(ErrorCode.QR_NOT_ENABLED, 'This session does not use QR codes. Start a session with QR codes to show one.');
    const secret = session.status === 'open' ? await this.store.secret(sessionId) : null;
    if (!secret) throw new DomainError(ErrorCode.SESSION_NOT_OPEN, 'This session has been stopped; there is no QR code to show.');
    const codes = codesAt(secret, sessionId, session.qr.stepSeconds, this.clock.now());
    return {
      sessionId,
      mode: session.qr.mode,
      token: codes.token,
      shortCode: codes.shortCode,
      stepSeconds: session.qr.stepSeconds,
      expiresAt: codes.expiresAt.toISOString(),
    };
  }

  /**
   * Internal, for verification-service deciding a check-in. Every attempt is counted first (a valid
   * one is then forgiven), so a student over the limit is refused without the code being checked:
   * guessing learns nothing while throttled.
   */
  async verify(req: RpcParsed<typeof Rpc.sessionVerifyQr>): Promise<VerifyQrReply> {
    const { sessionId, studentId, code } = req;
    const session = await this.sessions.find(sessionId);
    if (!session) throw notFound();
    if (!session.qr) return { result: 'not-enabled' };
    const attempts = await this.store.countAttempt(sessionId, studentId, QrAttemptWindowSeconds);
    if (attempts > QrAttemptsPerWindow) {
      this.log.warn({ sessionId, studentId, attempts }, 'QR attempts throttled');
      return { result: 'throttled' };
    }
    const secret = await this.store.secret(sessionId);
    const now = this.clock.now();
    let result: VerifyQrReply['result'] = 'invalid';
    if (secret) {
      const check = checkQrCode({ secret, sessionId, stepSeconds: session.qr.stepSeconds, code, at: new Date(req.at), now });
      result = check === 'foreign' ? await this.foreign(code, now) : check;
    }
    if (result === 'valid') await this.store.forgiveAttempt(sessionId, studentId);
    return { result };
  }

  /** A token with another session's tag: wrong-session only if that session's secret really made it. */
  private async foreign(code: string, now: Date): Promise<VerifyQrReply['result']> {
    const tag = tagOf(code);
    const otherId = tag ? await this.store.sessionOfTag(tag) : null;
    if (!otherId) return 'invalid';
    const [other, secret] = await Promise.all([this.sessions.find(otherId), this.store.secret(otherId)]);
    if (!other?.qr || !secret) return 'invalid';
    return isTokenOf(secret, otherId, code, now, other.qr.stepSeconds) ? 'wrong-session' : 'invalid';
  }
}
