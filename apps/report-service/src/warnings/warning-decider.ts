import type { AttendanceStatus, WarningFigures, WarningKind, WarningThresholds } from '@classconnect/contracts';

/** What one student's statuses in a course come to under the thresholds. */
export interface Decision {
  figures: WarningFigures;
  /** The warnings that should be open now. */
  kinds: Set<WarningKind>;
}

/**
 * Decides a student's warnings from their statuses in the course's closed sessions, newest first.
 * The excused policy says what an excused session is: left out (`exclude`: neither attended nor
 * missed, so it neither lowers the rate nor breaks or extends a run of absences), `absent` or
 * `attended`. Late counts as attended, as in the history's rate.
 */
export function decideWarnings(newestFirst: readonly AttendanceStatus[], t: WarningThresholds): Decision {
  const counted: boolean[] = []; // attended?, newest first, excused sessions resolved by the policy
  for (const status of newestFirst) {
    if (status === 'excused') {
      if (t.excusedPolicy === 'exclude') continue;
      counted.push(t.excusedPolicy === 'attended');
    } else counted.push(status === 'present' || status === 'late');
  }
  const attended = counted.filter(Boolean).length;
  const rate = counted.length === 0 ? null : attended / counted.length;
  let run = 0;
  while (run < counted.length && !counted[run]) run++;
  const kinds = new Set<WarningKind>();
  if (rate !== null && counted.length >= t.minSessions && rate < t.minRate) kinds.add('LOW_RATE');
  if (t.consecutiveAbsences > 0 && run >= t.consecutiveAbsences) kinds.add('CONSECUTIVE_ABSENCES');
  return { figures: { rate, countedSessions: counted.length, consecutiveAbsences: run }, kinds };
}
