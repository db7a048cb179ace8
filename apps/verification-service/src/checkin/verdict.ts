import type { RejectionReason } from '@classconnect/contracts';

export type CheckinMethod = 'passkey' | 'geofence' | 'qr';

interface VerdictBase {
  submissionId: string;
  sessionId: string;
  studentId: string;
  /** When the decision was made (ISO 8601). */
  at: string;
}

export interface VerifiedVerdict extends VerdictBase {
  outcome: 'verified';
  courseId: string;
  distanceM: number;
  accuracyM: number;
  methods: CheckinMethod[];
}

export interface RejectedVerdict extends VerdictBase {
  outcome: 'rejected';
  reason: RejectionReason;
  message: string;
  courseId?: string;
  distanceM?: number;
  accuracyM?: number;
}

/**
 * The one decision about a submission. It holds the distance and accuracy, never the raw position,
 * and is kept a day so a redelivered submission gets the same answer.
 */
export type Verdict = VerifiedVerdict | RejectedVerdict;
