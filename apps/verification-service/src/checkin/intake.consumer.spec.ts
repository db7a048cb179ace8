import { describe, expect, it } from '@jest/globals';
import { missingParts } from './intake.consumer.js';

const submission = {
  submissionId: 'sub-1',
  sessionId: '0b7f9a52-3c1d-4e2f-8a6b-9d0c1e2f3a4b',
  studentId: '6f1c1c6e-8f0a-4d8e-9a53-2f5c3b9e4d11',
  submittedAt: '2026-05-01T08:03:00.000Z',
  assertion: { id: 'abc', rawId: 'abc', type: 'public-key', response: { clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'MEUC' }, clientExtensionResults: {} },
  position: { latitude: 50.85, longitude: 4.35, accuracy: 12 },
};

describe('missingParts (the intake consumer’s check of what the gateway queued)', () => {
  it('finds nothing missing in a submission as the gateway builds it', () => {
    expect(missingParts(submission)).toEqual([]);
    expect(missingParts({ ...submission, qr: 'ABC123', deviceFingerprint: 'x', connectionId: 'c' })).toEqual([]);
  });

  it('names every part a decision reads that is absent or of another type', () => {
    expect(missingParts(null)).toEqual(['(root)']);
    expect(missingParts([])).toEqual(['(root)']);
    expect(missingParts({ submissionId: 'x', position: { latitude: 1 } })).toEqual([
      'sessionId',
      'studentId',
      'submittedAt',
      'assertion',
      'position.longitude',
      'position.accuracy',
    ]);
    expect(missingParts({ ...submission, assertion: { ...submission.assertion, response: { ...submission.assertion.response, signature: 5 } } })).toEqual(['assertion.response.signature']);
    expect(missingParts({ ...submission, position: { ...submission.position, latitude: Number.NaN } })).toEqual(['position.latitude']);
  });
});
