import { EventSubjects, SystemActorId, type CloudEvent } from '@classconnect/contracts';

/** One row of identity.audit_log before its names are filled in. */
export interface AuditRecord {
  /** The CloudEvent id: the same event recorded twice is one row. */
  sourceEventId: string;
  at: string;
  actorId: string | null;
  /** The event's subject, e.g. `directory.account.created.v1`. */
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
}

/** Names of the accounts and courses an entry mentions, looked up when it is recorded. */
export interface AuditNames {
  user(id: unknown): string;
  course(id: unknown): string;
}

/** The events the audit log records from the ATTENDANCE stream (every DIRECTORY event is recorded). */
export const AuditedAttendanceSubjects = [EventSubjects.sessionOpened, EventSubjects.sessionClosed, EventSubjects.sessionReopened, EventSubjects.markChanged] as const;

/** Fields that may name who acted, in the order they are tried, for directory events this code does not know yet. */
const ActorFields = ['changedBy', 'actorId', 'approvedBy', 'importedBy', 'by'];
/** Fields that may name what was acted on, with the target type each implies. */
const TargetFields: [string, string][] = [
  ['userId', 'account'],
  ['studentId', 'account'],
  ['teacherId', 'account'],
  ['courseId', 'course'],
  ['roomId', 'room'],
  ['sessionId', 'session'],
  ['credentialId', 'passkey'],
  ['importId', 'import'],
  ['id', 'item'],
];

const uuidLike = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const actorOf = (v: unknown): string | null => {
  const id = str(v);
  return id && uuidLike.test(id) && id !== SystemActorId ? id : null;
};

/**
 * What the audit log records for an event: who acted, on what, and its data as the details.
 * Known events get a precise target; any other `directory.*` event is still recorded, with its
 * actor and target taken from the usual field names. Returns null for events the log ignores.
 */
export function auditRecordOf(subject: string, event: CloudEvent): AuditRecord | null {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const base = { sourceEventId: event.id, action: subject, details: data };
  const at = str(data.changedAt) ?? event.time;
  switch (subject) {
    case EventSubjects.sessionOpened:
      return { ...base, at: str(data.openedAt) ?? event.time, actorId: actorOf(data.teacherId), targetType: 'session', targetId: str(data.sessionId) };
    case EventSubjects.sessionClosed:
      return { ...base, at: str(data.closedAt) ?? event.time, actorId: actorOf(data.closedBy), targetType: 'session', targetId: str(data.sessionId) };
    case EventSubjects.sessionReopened:
      return { ...base, at: str(data.reopenedAt) ?? event.time, actorId: actorOf(data.reopenedBy), targetType: 'session', targetId: str(data.sessionId) };
    case EventSubjects.markChanged:
      return { ...base, at, actorId: actorOf(data.changedBy), targetType: 'session', targetId: str(data.sessionId) };
    case EventSubjects.enrollmentChanged:
      return { ...base, at, actorId: actorOf(data.changedBy), targetType: 'course', targetId: str(data.courseId) };
    case EventSubjects.accountCreated:
    case EventSubjects.accountUpdated:
    case EventSubjects.accountStatusChanged:
      return { ...base, at, actorId: actorOf(data.changedBy), targetType: 'account', targetId: str(data.userId) };
    case EventSubjects.courseChanged:
      return { ...base, at, actorId: actorOf(data.changedBy), targetType: 'course', targetId: str(data.courseId) };
    case EventSubjects.accountErased:
      return { ...base, at: str(data.erasedAt) ?? event.time, actorId: actorOf(data.erasedBy), targetType: 'account', targetId: str(data.userId) };
  }
  if (!subject.startsWith('directory.')) return null;
  const actorField = ActorFields.find((f) => actorOf(data[f]));
  const target = TargetFields.find(([f]) => str(data[f]));
  return {
    ...base,
    at,
    actorId: actorField ? actorOf(data[actorField]) : null,
    targetType: target?.[1] ?? 'directory',
    targetId: target ? str(data[target[0]]) : null,
  };
}

const roleWords: Record<string, string> = { admin: 'administrator', teacher: 'teacher', student: 'student' };

/** A sentence saying what happened, with names, for the admin's list. Ids the names cannot resolve are shown as they are. */
export function auditSummaryOf(record: AuditRecord, names: AuditNames): string {
  const d = record.details;
  switch (record.action) {
    case EventSubjects.sessionOpened:
      return `Started a session of ${str(d.courseCode) ?? names.course(d.courseId)} (${Array.isArray(d.enrolledStudentIds) ? d.enrolledStudentIds.length : 0} enrolled).`;
    case EventSubjects.sessionClosed:
      return d.closeReason === 'max-length' || d.closedBy === SystemActorId
        ? `The session of ${names.course(d.courseId)} closed itself at its maximum length.`
        : `Stopped the session of ${names.course(d.courseId)} (${Array.isArray(d.presentStudentIds) ? d.presentStudentIds.length : 0} present).`;
    case EventSubjects.sessionReopened:
      return `Reopened the session of ${names.course(d.courseId)} after Stop (reopening ${typeof d.reopenCount === 'number' ? d.reopenCount : 1}).`;
    case EventSubjects.markChanged:
      return `Marked ${names.user(d.studentId)} ${String(d.status)} (was ${String(d.previousStatus)}) in a session of ${names.course(d.courseId)}: “${String(d.reason)}”.`;
    case EventSubjects.enrollmentChanged:
      return d.change === 'removed'
        ? `Removed ${names.user(d.studentId)} from ${names.course(d.courseId)}${d.via === 'import' ? ' (roster import)' : ''}.`
        : `Enrolled ${names.user(d.studentId)} in ${names.course(d.courseId)}${d.via === 'import' ? ' (roster import)' : ''}.`;
    case EventSubjects.accountCreated:
      return `Created the ${roleWords[String(d.role)] ?? String(d.role)} account ${String(d.name)} <${String(d.email)}>${d.hasPassword ? '' : ' (no password: single sign-on or passkey)'}.`;
    case EventSubjects.accountUpdated: {
      const c = (d.changes ?? {}) as Record<string, unknown>;
      const parts = [
        ...(c.name !== undefined ? [`name “${String(c.name)}”`] : []),
        ...(c.role !== undefined ? [`role ${roleWords[String(c.role)] ?? String(c.role)}`] : []),
        ...(c.passwordChanged ? ['a new password'] : []),
      ];
      return `Changed the account of ${names.user(d.userId)}: ${parts.join(', ') || 'no visible change'}.`;
    }
    case EventSubjects.accountStatusChanged:
      return `${d.disabled ? 'Disabled' : 'Enabled'} the account of ${names.user(d.userId)}.`;
    case EventSubjects.accountErased: {
      // Recorded after the erasure: the name is already the placeholder, and nothing here may keep the real one.
      const who = d.erasedBy === SystemActorId ? 'Erased, past the account retention period,' : 'Erased';
      const attendance = d.attendance === 'removed' ? 'their attendance removed' : 'their attendance kept under this pseudonym';
      return `${who} the account now shown as ${names.user(d.userId)}: ${attendance}.`;
    }
    case EventSubjects.courseChanged: {
      const course = `${String(d.code)} “${String(d.title)}”`;
      if (d.change === 'created') return `Created the course ${course}${d.term ? ` (${String(d.term)})` : ''}.`;
      if (d.change === 'teachers-set') {
        const teachers = Array.isArray(d.teacherIds) ? d.teacherIds.map((id) => names.user(id)) : [];
        return `Set the teachers of ${String(d.code)}: ${teachers.join(', ') || 'none'}.`;
      }
      return `Changed the course ${course}${d.term ? ` (${String(d.term)})` : ''}.`;
    }
  }
  const target = record.targetId ? ` — ${record.targetType} ${record.targetType === 'account' ? names.user(record.targetId) : record.targetType === 'course' ? names.course(record.targetId) : record.targetId}` : '';
  return `${record.action}${target}.`;
}
