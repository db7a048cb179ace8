/**
 * The check-in work queue: the gateway stores each submitted check-in on the JetStream stream
 * CHECKIN_INTAKE (Streams.intake, nats.ts) and acks the student once it is stored; verification-service
 * consumes it. It holds raw positions, so a message lives only until its check-in is decided.
 */
import { z } from 'zod';
import { Id, IsoTime, Position } from '../primitives.js';
import { QrCodeInput } from '../sessions/rpc.js';
import { AuthenticationResponse } from '../webauthn.js';

export const IntakeSubject = 'intake.checkin.v1';

/**
 * A check-in as the gateway durably submits it (JetStream work queue CHECKIN_INTAKE).
 * It holds the raw position, so it lives only until verification has decided.
 */
export const CheckinSubmission = z
  .object({
    submissionId: z.string().min(1).max(128),
    sessionId: Id,
    studentId: Id,
    assertion: AuthenticationResponse,
    position: Position,
    submittedAt: IsoTime,
    connectionId: z.string().max(128).optional(),
    /** The rotating QR code's token or short code, when the student gave one. */
    qr: QrCodeInput.optional(),
    /** Check-in flags: the gateway's keyed hash of the connection's client signals (device id, else IP and user agent). */
    deviceFingerprint: z.string().min(1).max(64).optional(),
  })
  .strict();
export type CheckinSubmission = z.infer<typeof CheckinSubmission>;
