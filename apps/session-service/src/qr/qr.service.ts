import { DomainError, ErrorCode, Rpc, authorize, type QrCodeReply, type RpcParsed } from '@classconnect/contracts';
import type { Clock } from '@classconnect/config';
import type { SessionStore } from '../sessions/session.model.js';
import { isTeacherOf, notFound } from '../sessions/session.service.js';
import { codesAt } from './qr-code.js';
import type { QrStore } from './qr.repository.js';

/**
 * Rotating QR codes: the code a teacher's screen shows now. (A student's code is judged by QrJudge,
 * as part of recording the mark.) The secret stays here: the teacher gets codes.
 */
export class QrService {
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
}
