/**
 * The check-in flags' rules and the sentences a teacher reads. Pure functions: the state they need
 * (who reported which position, from which device, where the student checked in before) comes in.
 * No sentence ever holds a coordinate.
 */
import type { CheckinFlag } from '@classconnect/contracts';

export interface FlagSettings {
  /** Two check-ins from one device (or one account on two devices) this close in time are flagged. */
  windowSeconds: number;
  /** Faster than this between two check-ins is impossible travel. */
  maxSpeedKmh: number;
}

/** Real devices never report a position as exact; spoofing tools often report an accuracy of 0. */
export function accuracyZero(accuracyM: number): CheckinFlag | null {
  if (accuracyM !== 0) return null;
  return {
    code: 'ACCURACY_ZERO',
    detail: 'The device reported its position with an accuracy of exactly 0 m. Real devices never do; location-faking apps often do.',
  };
}

const students = (n: number) => (n === 1 ? 'another student' : `${n} other students`);

export function identicalPosition(otherStudents: number): CheckinFlag {
  return {
    code: 'IDENTICAL_POSITION',
    detail: `Reported exactly the same coordinates as ${students(otherStudents)} of this session. Real devices almost never agree to the last digit.`,
  };
}

export function sharedDevice(otherStudents: number, windowSeconds: number): CheckinFlag {
  return {
    code: 'SHARED_DEVICE',
    detail: `Checked in from the same device as ${students(otherStudents)} of this session, within ${windowSeconds} seconds.`,
  };
}

export function concurrentUse(windowSeconds: number): CheckinFlag {
  return {
    code: 'CONCURRENT_USE',
    detail: `This account was also used from another device within ${windowSeconds} seconds of this check-in.`,
  };
}

/** The least distance a student covered between two fences: centre to centre, minus both radii. */
export function travelDistanceM(centresM: number, radiiM: number): number {
  return Math.max(0, centresM - radiiM);
}

/** Whether covering `distanceM` in `elapsedMs` (either order) is faster than the limit. */
export function isImpossibleTravel(distanceM: number, elapsedMs: number, maxSpeedKmh: number): boolean {
  if (distanceM <= 0) return false;
  const hours = Math.abs(elapsedMs) / 3_600_000;
  return hours === 0 || distanceM / 1000 / hours > maxSpeedKmh;
}

function distanceText(m: number): string {
  return m >= 10_000 ? `${Math.round(m / 1000)} km` : m >= 1000 ? `${(m / 1000).toFixed(1)} km` : `${Math.round(m)} m`;
}

function durationText(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 90) return `${s} seconds`;
  const min = Math.round(s / 60);
  return min < 90 ? `${min} minutes` : `${Math.round(min / 60)} hours`;
}

/** `when`: whether the other check-in came before or after this one. */
export function impossibleTravel(distanceM: number, elapsedMs: number, when: 'before' | 'after', maxSpeedKmh: number): CheckinFlag {
  return {
    code: 'IMPOSSIBLE_TRAVEL',
    detail: `Checked in to another session at least ${distanceText(distanceM)} away ${durationText(elapsedMs)} ${when === 'before' ? 'earlier' : 'later'}: faster than ${maxSpeedKmh} km/h.`,
  };
}
