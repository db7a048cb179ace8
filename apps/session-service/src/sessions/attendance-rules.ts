import type { AttendanceStatus } from '@classconnect/contracts';
import type { StoredMark, StoredOverride } from './session.model.js';

const MinuteMs = 60_000;

/** A check-in verified more than `lateAfterMinutes` after the session opened is late. */
export function checkinStatus(openedAt: string, lateAfterMinutes: number, verifiedAt: string): 'present' | 'late' {
  return Date.parse(verifiedAt) > Date.parse(openedAt) + lateAfterMinutes * MinuteMs ? 'late' : 'present';
}

/** The check-in window ends after `windowMinutes`, or at the maximum session length, whichever is first. */
export function checkinClosesAt(openedAt: Date, windowMinutes: number | undefined, maxSessionSeconds: number): Date {
  const max = openedAt.getTime() + maxSessionSeconds * 1000;
  return new Date(windowMinutes === undefined ? max : Math.min(max, openedAt.getTime() + windowMinutes * MinuteMs));
}

/** True when `at` is after the end of the check-in window (sessions without a window never close it). */
export function isWindowClosed(closesAt: string | undefined, at: Date | string): boolean {
  if (!closesAt) return false;
  return (typeof at === 'string' ? Date.parse(at) : at.getTime()) > Date.parse(closesAt);
}

/** The teacher's latest change wins; otherwise the check-in's status; otherwise absent. */
export function currentStatus(mark: StoredMark | undefined, override: StoredOverride | undefined): AttendanceStatus {
  if (override) return override.status;
  if (mark) return mark.status ?? 'present';
  return 'absent';
}
