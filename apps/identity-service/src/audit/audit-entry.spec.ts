import { describe, expect, it } from '@jest/globals';
import { EventSubjects, SystemActorId, type CloudEvent } from '@classconnect/contracts';
import { auditRecordOf, auditSummaryOf, type AuditNames } from './audit-entry.js';

const admin = '11111111-1111-4111-8111-111111111111';
const student = '22222222-2222-4222-8222-222222222222';
const course = '33333333-3333-4333-8333-333333333333';
const session = '44444444-4444-4444-8444-444444444444';
const at = '2026-11-22T10:00:00.000Z';

function event(subject: string, data: Record<string, unknown>, id = `${subject}:1`): CloudEvent {
  return { specversion: '1.0', id, source: '/test', type: `edu.classconnect.${subject}`, time: '2026-11-22T10:00:05.000Z', datacontenttype: 'application/json', data } as unknown as CloudEvent;
}

const names: AuditNames = {
  user: (id) => ({ [admin]: 'Morgan Admin', [student]: 'Amara Okafor' })[String(id)] ?? String(id),
  course: (id) => (id === course ? 'CS101' : String(id)),
};

describe('audit entries', () => {
  it('records an account creation: who, on whom, when, with a sentence', () => {
    const r = auditRecordOf(
      EventSubjects.accountCreated,
      event(EventSubjects.accountCreated, { userId: student, email: 'amara@uni.test', name: 'Amara Okafor', role: 'student', hasPassword: false, changedBy: admin, changedAt: at }),
    )!;
    expect(r).toMatchObject({ sourceEventId: `${EventSubjects.accountCreated}:1`, at, actorId: admin, action: EventSubjects.accountCreated, targetType: 'account', targetId: student });
    expect(auditSummaryOf(r, names)).toBe('Created the student account Amara Okafor <amara@uni.test> (no password: single sign-on or passkey).');
  });

  it('records a session that closed itself without an actor', () => {
    const r = auditRecordOf(
      EventSubjects.sessionClosed,
      event(EventSubjects.sessionClosed, { sessionId: session, courseId: course, closedAt: at, closedBy: SystemActorId, presentStudentIds: [], closeReason: 'max-length' }),
    )!;
    expect(r).toMatchObject({ actorId: null, targetType: 'session', targetId: session, at });
    expect(auditSummaryOf(r, names)).toBe('The session of CS101 closed itself at its maximum length.');
  });

  it('records a session reopened after Stop, by whom, with a sentence', () => {
    const r = auditRecordOf(
      EventSubjects.sessionReopened,
      event(EventSubjects.sessionReopened, { sessionId: session, courseId: course, reopenedAt: at, reopenedBy: admin, previousClosedAt: '2026-11-22T09:58:00.000Z', reopenCount: 1 }),
    )!;
    expect(r).toMatchObject({ actorId: admin, targetType: 'session', targetId: session, at, action: EventSubjects.sessionReopened });
    expect(auditSummaryOf(r, names)).toBe('Reopened the session of CS101 after Stop (reopening 1).');
  });

  it('records a mark changed by hand with the student, the statuses and the reason', () => {
    const r = auditRecordOf(
      EventSubjects.markChanged,
      event(EventSubjects.markChanged, { sessionId: session, courseId: course, studentId: student, status: 'excused', previousStatus: 'absent', reason: 'Ill', changedBy: admin, changedAt: at, sequence: 1 }),
    )!;
    expect(r).toMatchObject({ actorId: admin, targetType: 'session', targetId: session });
    expect(auditSummaryOf(r, names)).toBe('Marked Amara Okafor excused (was absent) in a session of CS101: “Ill”.');
  });

  it('still records a directory event it does not know, taking who and what from the usual fields', () => {
    const subject = 'directory.passkey.approved.v1';
    const r = auditRecordOf(subject, event(subject, { userId: student, credentialId: 'abc', approvedBy: admin, changedAt: at }))!;
    expect(r).toMatchObject({ action: subject, actorId: admin, targetType: 'account', targetId: student, at, details: { credentialId: 'abc' } });
    expect(auditSummaryOf(r, names)).toBe('directory.passkey.approved.v1 — account Amara Okafor.');
    const bare = auditRecordOf('directory.something.v1', event('directory.something.v1', { note: 'x' }))!;
    expect(bare).toMatchObject({ actorId: null, targetType: 'directory', targetId: null, at: '2026-11-22T10:00:05.000Z' });
  });

  it('ignores attendance events the log does not audit (check-ins)', () => {
    expect(auditRecordOf(EventSubjects.checkinVerified, event(EventSubjects.checkinVerified, { sessionId: session }))).toBeNull();
  });

  it('records an erasure by the admin and by the retention sweep, naming the person only by the placeholder', () => {
    const erasedNames: AuditNames = { user: (id) => (id === student ? 'Erased student' : names.user(id)), course: names.course };
    const byAdmin = auditRecordOf(EventSubjects.accountErased, event(EventSubjects.accountErased, { userId: student, attendance: 'pseudonymised', erasedBy: admin, erasedAt: at }))!;
    expect(byAdmin).toMatchObject({ actorId: admin, targetType: 'account', targetId: student, at });
    expect(auditSummaryOf(byAdmin, erasedNames)).toBe('Erased the account now shown as Erased student: their attendance kept under this pseudonym.');
    const bySweep = auditRecordOf(EventSubjects.accountErased, event(EventSubjects.accountErased, { userId: student, attendance: 'removed', erasedBy: SystemActorId, erasedAt: at }))!;
    expect(bySweep.actorId).toBeNull();
    expect(auditSummaryOf(bySweep, erasedNames)).toBe('Erased, past the account retention period, the account now shown as Erased student: their attendance removed.');
  });
});
