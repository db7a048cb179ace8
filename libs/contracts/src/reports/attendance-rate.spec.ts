import { describe, expect, it } from '@jest/globals';
import { attendanceRate } from './attendance-rate.js';

const counts = (present: number, late: number, excused: number, absent: number) => ({ present, late, excused, absent });

describe('attendanceRate under each excused policy', () => {
  it('exclude (the default): excused sessions are neither attended nor missed', () => {
    expect(attendanceRate(counts(1, 1, 1, 1))).toBe(2 / 3);
    expect(attendanceRate(counts(1, 1, 1, 1), 'exclude')).toBe(2 / 3);
    // Two excused sessions are no rate at all, not 0 % like a no-show.
    expect(attendanceRate(counts(0, 0, 2, 0), 'exclude')).toBeNull();
    expect(attendanceRate(counts(0, 0, 2, 1), 'exclude')).toBe(0);
    expect(attendanceRate(counts(3, 0, 5, 0), 'exclude')).toBe(1);
  });

  it('attended: an excused session counts as attended', () => {
    expect(attendanceRate(counts(1, 1, 1, 1), 'attended')).toBe(0.75);
    expect(attendanceRate(counts(0, 0, 2, 0), 'attended')).toBe(1);
    expect(attendanceRate(counts(0, 0, 1, 1), 'attended')).toBe(0.5);
  });

  it('absent: an excused session counts as missed', () => {
    expect(attendanceRate(counts(1, 1, 1, 1), 'absent')).toBe(0.5);
    expect(attendanceRate(counts(0, 0, 2, 0), 'absent')).toBe(0);
    expect(attendanceRate(counts(3, 1, 0, 0), 'absent')).toBe(1);
  });

  it('is null with nothing to count, whatever the policy', () => {
    for (const policy of ['exclude', 'attended', 'absent'] as const) expect(attendanceRate(counts(0, 0, 0, 0), policy)).toBeNull();
  });
});
