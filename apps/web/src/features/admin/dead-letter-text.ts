/**
 * A dead letter in words an administrator knows: which part of ClassConnect set it aside (from its
 * durable consumer's name) and what kind of event it is (from its subject). Names this client does
 * not know are shown as they are.
 */
import type { DeadLetterSummary } from '@classconnect/contracts';
import { t, type Key } from '../../i18n.js';

/** Durable consumers by name or name prefix: the part of ClassConnect each one feeds. */
const Parts: [test: (consumer: string) => boolean, key: Key][] = [
  [(c) => c === 'report', 'deadPartReport'],
  [(c) => c === 'verification', 'deadPartVerification'],
  [(c) => c.startsWith('verification-flags') || c.startsWith('flag-state'), 'deadPartFlags'],
  [(c) => c.startsWith('identity-audit-'), 'deadPartAudit'],
  [(c) => c === 'session-enrollments', 'deadPartEnrollments'],
  [(c) => c.endsWith('-erasure') || c === 'identity-erasure-streams', 'deadPartErasure'],
];

/** Subjects by prefix (any version): what happened, in a few words. */
const Events: [prefix: string, key: Key][] = [
  ['attendance.mark.changed.', 'deadEventMarkChanged'],
  ['attendance.mark.recorded.', 'deadEventMarkRecorded'],
  ['attendance.checkin.', 'deadEventCheckin'],
  ['intake.checkin.', 'deadEventCheckin'],
  ['attendance.session.opened.', 'deadEventSessionOpened'],
  ['attendance.session.closed.', 'deadEventSessionClosed'],
  ['attendance.report.', 'deadEventReport'],
  ['directory.enrollment.', 'deadEventEnrollment'],
  ['directory.account.', 'deadEventAccount'],
  ['directory.course.', 'deadEventCourse'],
  ['directory.device.', 'deadEventDevice'],
];

/** The part that set the message aside, in words; `known` is false when only the raw name is available. */
export function partOf(d: Pick<DeadLetterSummary, 'consumer'>): { text: string; known: boolean } {
  const hit = Parts.find(([test]) => test(d.consumer));
  return hit ? { text: t(hit[1]), known: true } : { text: d.consumer, known: false };
}

/** What kind of event the message is, in words; null when the subject is not one this client knows. */
export function eventOf(d: Pick<DeadLetterSummary, 'subject'>): string | null {
  const hit = Events.find(([prefix]) => d.subject.startsWith(prefix));
  return hit ? t(hit[1]) : null;
}

const FailedAgain = 'The replay failed again: ';

/** The handler's own error out of a replay's INTERNAL answer, or null when the answer is another internal error. */
export function replayErrorDetail(message: string): string | null {
  return message.startsWith(FailedAgain) ? message.slice(FailedAgain.length) : null;
}
