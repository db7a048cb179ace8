import type { CheckinFlag, CheckinResult, RejectionReasonV3 } from '@classconnect/contracts';
import type { FlagNotice } from '../flags/flag-detector.js';

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
  /** Check-in flags found for this check-in (signals for the teacher; the verdict stands). */
  flags?: CheckinFlag[];
  /** Flags this check-in brought on earlier check-ins (published with the verdict, each as its own event). */
  earlierFlags?: FlagNotice[];
}

export interface RejectedVerdict extends VerdictBase {
  outcome: 'rejected';
  /** A v3 reason: it goes out as it is on checkin.rejected.v3, and mapped to the nearest on v2 and v1. */
  reason: RejectionReasonV3;
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

/** The verdict as its student sees it; null when there is none or it belongs to someone else. */
export function toCheckinResult(verdict: Verdict | null, studentId: string): CheckinResult | null {
  if (!verdict || verdict.studentId !== studentId) return null;
  const base = { submissionId: verdict.submissionId, sessionId: verdict.sessionId, at: verdict.at };
  if (verdict.outcome === 'verified') return { ...base, verdict: 'accepted', distanceM: verdict.distanceM };
  return {
    ...base,
    verdict: 'rejected',
    reason: verdict.reason,
    message: verdict.message,
    ...(verdict.distanceM !== undefined ? { distanceM: verdict.distanceM } : {}),
  };
}
