/**
 * An audit entry as a sentence in the reader's language, from its action, its data and the names
 * it was recorded with. Actions this client does not know keep the server's English summary.
 */
import type { AuditEntry, AttendanceStatus, Role } from '@classconnect/contracts';
import { statusText, t } from '../../i18n.js';

const roleWord = (role: unknown) => t(role === 'teacher' ? 'roleTeacher' : role === 'admin' ? 'roleAdmin' : 'roleStudent');
const statusWord = (s: unknown) => (['present', 'late', 'excused', 'absent'].includes(String(s)) ? statusText(s as AttendanceStatus) : String(s));

export function auditText(e: AuditEntry): string {
  const d = e.details;
  const name = (id: unknown) => e.names[String(id)] ?? String(id);
  switch (e.action) {
    case 'directory.account.created.v1':
      return [t('auditTextAccountCreated', { name: String(d.name), email: String(d.email), role: roleWord(d.role as Role) }), d.hasPassword ? '' : t('auditTextNoPassword')]
        .filter(Boolean)
        .join(' ');
    case 'directory.account.updated.v1': {
      const c = (d.changes ?? {}) as { name?: string; role?: Role; passwordChanged?: boolean };
      const parts = [
        ...(c.name !== undefined ? [t('auditChangeName', { v: c.name })] : []),
        ...(c.role !== undefined ? [t('auditChangeRole', { v: roleWord(c.role) })] : []),
        ...(c.passwordChanged ? [t('auditChangePassword')] : []),
      ];
      return t('auditTextAccountUpdated', { name: name(d.userId), changes: parts.join(', ') });
    }
    case 'directory.account.status-changed.v1':
      return t(d.disabled ? 'auditTextDisabled' : 'auditTextEnabled', { name: name(d.userId) });
    case 'directory.course.changed.v1': {
      const vars = { code: String(d.code), title: String(d.title), term: String(d.term ?? '—') };
      if (d.change === 'created') return t('auditTextCourseCreated', vars);
      if (d.change === 'updated') {
        // The course's settings as they were after the change (events from before the settings lack them).
        const policy = d.excusedPolicy === 'attended' || d.excusedPolicy === 'absent' || d.excusedPolicy === 'exclude' ? d.excusedPolicy : null;
        const settings = typeof d.timeZone === 'string' && policy ? ` ${t('courseSettingsLine', { zone: d.timeZone, policy: t(`excusedShort_${policy}`) })}.` : '';
        return t('auditTextCourseUpdated', vars) + settings;
      }
      const teachers = Array.isArray(d.teacherIds) ? d.teacherIds.map(name) : [];
      return t('auditTextCourseTeachers', { code: vars.code, names: teachers.join(', ') || t('auditTextNobody') });
    }
    case 'directory.enrollment.changed.v1': {
      const text = t(d.change === 'removed' ? 'auditTextUnenrolled' : 'auditTextEnrolled', { student: name(d.studentId), course: name(d.courseId) });
      return d.via === 'import' ? `${text} ${t('auditTextByImport')}` : text;
    }
    case 'attendance.session.opened.v1':
      return t('auditTextSessionOpened', { course: String(d.courseCode ?? name(d.courseId)) });
    case 'attendance.session.closed.v1':
      return t(e.actorId ? 'auditTextSessionClosed' : 'auditTextSessionAutoClosed', { course: name(d.courseId) });
    case 'attendance.session.reopened.v1':
      return t('auditTextSessionReopened', { course: name(d.courseId) });
    case 'attendance.mark.changed.v1':
      return t('auditTextMark', {
        student: name(d.studentId),
        status: statusWord(d.status),
        previous: statusWord(d.previousStatus),
        course: name(d.courseId),
        reason: String(d.reason),
      });
    case 'directory.device.decided.v1':
      // Worded from the entry's own fields: approved or refused, whose device, which one.
      return t(d.decision === 'denied' ? 'auditTextDeviceDenied' : 'auditTextDeviceApproved', { student: name(d.studentId), device: String(d.deviceName ?? '—') });
    case 'directory.device.approval-requested.v1':
      return t('auditTextDeviceRequested', { student: name(d.studentId), device: String(d.deviceName ?? '—') });
    case 'directory.account.erased.v1':
      // The name recorded is already the placeholder: the real one is gone, and stays gone here too.
      return t(e.actorId ? 'auditTextErased' : 'auditTextErasedAuto', {
        name: name(d.userId),
        attendance: t(d.attendance === 'removed' ? 'auditTextErasedRemoved' : 'auditTextErasedKept'),
      });
    default:
      return e.summary;
  }
}
