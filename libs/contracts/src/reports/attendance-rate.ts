import type { AttendanceStatus } from '../sessions/events.js';
import type { ExcusedPolicy } from '../warnings/events.js';
import type { AttendanceRate } from './rpc.js';

/**
 * The one rule of every attendance rate: report-service's reports and histories and the web client's
 * figures (which recount a report after a change by hand) use this function.
 */

/** The policy of a course whose identity-service predates the setting. */
export const DefaultExcusedPolicy: ExcusedPolicy = 'exclude';

/**
 * The attendance rate over some statuses (a student's sessions in a course, or a session's rows):
 * attended / counted, where present and late are attended, absent is counted and missed, and an
 * excused one is what the course's policy says — left out (`exclude`: neither attended nor
 * missed, so two excused sessions are no rate at all rather than 0 % like a no-show), attended, or
 * absent. null when nothing is counted.
 */
export function attendanceRate(counts: Record<AttendanceStatus, number>, excused: ExcusedPolicy = DefaultExcusedPolicy): AttendanceRate {
  const attended = counts.present + counts.late + (excused === 'attended' ? counts.excused : 0);
  const counted = counts.present + counts.late + counts.absent + (excused === 'exclude' ? 0 : counts.excused);
  return counted === 0 ? null : attended / counted;
}
