/**
 * Check-ins on the socket: a student asks for a challenge and submits the signed check-in; the
 * student hears the verdict and the session's teachers see the roster change. socket.ts joins
 * these into the client and server event maps. Event names are never renamed: a changed payload
 * gets a new event name beside the old one.
 */
import { z } from 'zod';
import { Id, Position } from '../primitives.js';
import { QrCodeInput } from '../sessions/rpc.js';
import { clientEvent, serverEvent } from '../slice-maps.js';
import { AuthenticationResponse } from '../webauthn.js';
import type { RejectionReasonV3 } from './errors.js';
import type { CheckinResult, IssueChallengeReply } from './rpc.js';

export interface CheckinAccepted {
  submissionId: string;
  /**
   * 'pending': queued, the verdict comes as a checkin:result push. 'decided': this submission was
   * already decided (a retry after a lost connection): `result` holds the verdict, and no push follows.
   */
  status: 'pending' | 'decided';
  result?: CheckinResult;
}

export const CheckinClientEvents = {
  checkinBegin: clientEvent(
    'checkin:begin',
    z
      .object({
        sessionId: Id,
        /**
         * The rotating QR code's token (from the scanned URL) or its short code, judged now: the time
         * the passkey prompt and the position take does not count against it. A wrong or stale code
         * refuses the begin (QR_EXPIRED, QR_WRONG_SESSION, QR_INVALID, RATE_LIMITED): ask for the code
         * shown now and begin again.
         */
        qr: QrCodeInput.optional(),
      })
      .strict(),
  ).acks<IssueChallengeReply>(),
  checkinSubmit: clientEvent(
    'checkin:submit',
    z
      .object({
        sessionId: Id,
        assertion: AuthenticationResponse,
        position: Position,
        /** A UUID the client makes once per check-in attempt and reuses on every retry of it. */
        idempotencyKey: z.string().uuid(),
        /**
         * The older way to give the rotating QR code: judged as of this submit, and only when
         * checkin:begin carried none (a code given at begin is the one that counts).
         */
        qr: QrCodeInput.optional(),
      })
      .strict(),
  ).acks<CheckinAccepted>(),
};

export interface RosterUpdate {
  sessionId: string;
  studentId: string;
  name?: string;
  state: 'present' | 'rejected';
  reason?: RejectionReasonV3;
  message?: string;
  distanceM?: number;
  at: string;
  presentCount?: number;
}

export const CheckinServerEvents = {
  rosterUpdate: serverEvent('roster:update').carries<RosterUpdate>(),
  checkinResult: serverEvent('checkin:result').carries<CheckinResult>(),
};
