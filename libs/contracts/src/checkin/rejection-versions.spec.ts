import { describe, expect, it } from '@jest/globals';
import { RejectionReasons, RejectionReasonsV2, RejectionReasonsV3 } from './errors.js';
import { CheckinRejectedV1, CheckinRejectedV2, CheckinRejectedV3, rejectionReasonV1, rejectionReasonV2 } from './events.js';

const base = { submissionId: 's1', sessionId: '00000000-0000-4000-8000-000000000001', studentId: '00000000-0000-4000-8000-000000000002', message: 'm', rejectedAt: '2026-11-22T08:00:00.000Z' };

describe('the versions of checkin.rejected', () => {
  it('keeps v2’s published reason list as it was: the newer reasons are only in v3', () => {
    expect(RejectionReasonsV2).not.toContain('DEVICE_NOT_APPROVED');
    expect(RejectionReasonsV2).not.toContain('CHECKIN_WINDOW_CLOSED');
    expect(RejectionReasonsV3).toEqual(expect.arrayContaining([...RejectionReasonsV2, 'DEVICE_NOT_APPROVED', 'CHECKIN_WINDOW_CLOSED']));
    expect(CheckinRejectedV2.safeParse({ ...base, reason: 'DEVICE_NOT_APPROVED' }).success).toBe(false);
    expect(CheckinRejectedV3.safeParse({ ...base, reason: 'DEVICE_NOT_APPROVED' }).success).toBe(true);
  });

  it('gives every v3 reason a reason each older version accepts, and keeps the ones it already knows', () => {
    for (const reason of RejectionReasonsV3) {
      expect(CheckinRejectedV2.safeParse({ ...base, reason: rejectionReasonV2(reason) }).success).toBe(true);
      expect(CheckinRejectedV1.safeParse({ ...base, reason: rejectionReasonV1(reason) }).success).toBe(true);
    }
    for (const reason of RejectionReasonsV2) expect(rejectionReasonV2(reason)).toBe(reason);
    for (const reason of RejectionReasons) expect(rejectionReasonV1(reason)).toBe(reason);
    expect(rejectionReasonV2('DEVICE_NOT_APPROVED')).toBe('UNKNOWN_CREDENTIAL');
    expect(rejectionReasonV2('CHECKIN_WINDOW_CLOSED')).toBe('SESSION_NOT_OPEN');
    expect(rejectionReasonV1('QR_WRONG_SESSION')).toBe('CHALLENGE_MISMATCH');
  });
});
