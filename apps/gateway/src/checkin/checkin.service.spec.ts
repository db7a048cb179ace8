import { describe, expect, it } from '@jest/globals';
import { submissionIdOf } from './checkin.service.js';

describe('submissionIdOf', () => {
  it('is the same for a retry and different across students or attempts', () => {
    const key = '5d2b8f3e-1a4c-4b6d-9e8f-0a1b2c3d4e5f';
    expect(submissionIdOf('s1', key)).toBe(submissionIdOf('s1', key));
    expect(submissionIdOf('s1', key)).not.toBe(submissionIdOf('s2', key));
    expect(submissionIdOf('s1', key)).not.toBe(submissionIdOf('s1', '6d2b8f3e-1a4c-4b6d-9e8f-0a1b2c3d4e5f'));
    expect(submissionIdOf('s1', key)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
