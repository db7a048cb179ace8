import { describe, expect, it } from '@jest/globals';
import { toCheckinResult, type Verdict } from './verdict.js';

const student = '6f1c1c6e-8f0a-4d8e-9a53-2f5c3b9e4d11';
const base = { submissionId: 'sub-1', sessionId: '0b7f9a52-3c1d-4e2f-8a6b-9d0c1e2f3a4b', studentId: student, at: '2026-11-22T08:00:00.000Z' };

describe('toCheckinResult', () => {
  it('gives the student their own verdict, accepted or rejected', () => {
    const verified: Verdict = { ...base, outcome: 'verified', courseId: 'c', distanceM: 12, accuracyM: 5, methods: ['passkey', 'geofence'] };
    expect(toCheckinResult(verified, student)).toEqual({ submissionId: 'sub-1', sessionId: base.sessionId, at: base.at, verdict: 'accepted', distanceM: 12 });
    const rejected: Verdict = { ...base, outcome: 'rejected', reason: 'OUTSIDE_GEOFENCE', message: 'Too far.', distanceM: 900 };
    expect(toCheckinResult(rejected, student)).toMatchObject({ verdict: 'rejected', reason: 'OUTSIDE_GEOFENCE', message: 'Too far.', distanceM: 900 });
  });

  it('gives nothing for a missing verdict or someone else’s', () => {
    expect(toCheckinResult(null, student)).toBeNull();
    const other: Verdict = { ...base, studentId: 'someone-else', outcome: 'rejected', reason: 'NOT_ENROLLED', message: 'No.' };
    expect(toCheckinResult(other, student)).toBeNull();
  });
});
