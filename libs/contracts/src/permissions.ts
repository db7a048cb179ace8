/**
 * Who may do what: the one permission table. The gateway checks the role against it before an
 * event goes anywhere; the owning service checks it again with the scope (it alone knows who
 * teaches or attends a course). Adding an action means adding a row here, then the role-matrix
 * test through the gateway covers it.
 *
 * Scopes:
 * - `any`        — every course, session and account (administrators);
 * - `own-course` — only courses the actor teaches (the course's teachers);
 * - `enrolled`   — only courses the actor is enrolled in (students);
 * - `self`       — only the actor's own account, passkeys and records.
 */
import { DomainError, ErrorCode } from './error-codes.js';
import type { Actor, Role } from './primitives.js';

export type Scope = 'any' | 'own-course' | 'enrolled' | 'self';
type Grants = Partial<Record<Role, Scope>>;

const Staff = { admin: 'any', teacher: 'own-course' } as const satisfies Grants;
const AdminOnly = { admin: 'any' } as const satisfies Grants;
const Everyone = { admin: 'self', teacher: 'self', student: 'self' } as const satisfies Grants;

export const Permissions = {
  // Own account
  'account.read-self': Everyone,
  'account.sign-out': Everyone,
  'passkey.manage-own': Everyone,
  'history.read-own': Everyone,
  'push.manage-own': Everyone,
  'records.download-own': { student: 'self' },
  'data.export-own': Everyone,
  // People and the catalogue
  'user.manage': AdminOnly,
  'user.disable': AdminOnly,
  'user.erase': AdminOnly,
  'user.export': AdminOnly,
  'user.read': Staff,
  'course.manage': AdminOnly,
  'course.read': { admin: 'any', teacher: 'own-course', student: 'enrolled' },
  'room.manage': AdminOnly,
  'room.read': { admin: 'any', teacher: 'any' },
  'enrollment.manage': Staff,
  'roster.import': Staff,
  'audit.read': AdminOnly,
  'deadletter.manage': AdminOnly,
  'webhook.manage': AdminOnly,
  // Sessions and attendance
  'session.start': Staff,
  'session.stop': Staff,
  'session.reopen': Staff,
  'session.read': { admin: 'any', teacher: 'own-course', student: 'enrolled' },
  'session.list-active': { admin: 'any', teacher: 'own-course', student: 'enrolled' },
  'session.show-qr': Staff,
  'checkin.submit': { student: 'enrolled' },
  'attendance.mark': Staff,
  'report.read': Staff,
  'history.read-course': Staff,
  'warnings.configure': Staff,
  'device.approve': Staff,
} as const satisfies Record<string, Grants>;
export type Permission = keyof typeof Permissions;

/** The scope `role` holds for `action`, or undefined when the role may not do it at all. */
export function scopeOf(role: Role, action: Permission): Scope | undefined {
  return (Permissions[action] as Grants)[role];
}

export function isAllowed(role: Role, action: Permission): boolean {
  return scopeOf(role, action) !== undefined;
}

const ActionWords: Record<Permission, string> = {
  'account.read-self': 'read this account',
  'account.sign-out': 'sign out',
  'passkey.manage-own': 'manage passkeys',
  'history.read-own': 'read your attendance history',
  'push.manage-own': 'turn notifications on or off on this device',
  'records.download-own': 'download attendance records',
  'user.manage': 'manage accounts',
  'user.disable': 'disable or enable accounts',
  'user.erase': 'erase a person',
  'user.export': 'export a person’s data',
  'data.export-own': 'download all of their own data',
  'user.read': 'look up accounts',
  'course.manage': 'create or change courses',
  'course.read': 'read this course',
  'room.manage': 'create or change rooms',
  'room.read': 'list rooms',
  'enrollment.manage': 'change enrollments',
  'roster.import': 'import a roster',
  'audit.read': 'read the audit log',
  'deadletter.manage': 'see or replay set-aside messages',
  'webhook.manage': 'manage webhooks',
  'session.start': 'start a session',
  'session.stop': 'stop a session',
  'session.reopen': 'reopen a stopped session',
  'session.read': 'read this session',
  'session.list-active': 'list open sessions',
  'session.show-qr': 'show a session’s QR code',
  'checkin.submit': 'check in',
  'attendance.mark': 'mark attendance by hand',
  'report.read': 'read a session report',
  'history.read-course': 'read a course’s attendance history',
  'warnings.configure': 'set a course’s attendance-warning thresholds',
  'device.approve': 'approve a student’s new device',
};

/**
 * Throws FORBIDDEN when the actor's role may not do `action` at all, and returns the scope it
 * holds otherwise; the caller (or the owning service) then applies the scope.
 */
export function authorize(actor: Actor, action: Permission): Scope {
  const scope = scopeOf(actor.role, action);
  if (!scope) throw new DomainError(ErrorCode.FORBIDDEN, `Your account (${actor.role}) is not allowed to ${ActionWords[action]}.`);
  return scope;
}

// Scope checks in the owning services (role matrix): one rule for what each scope covers.
/** What the owning service knows about the actor's relation to the thing acted on. */
export interface ScopeFacts {
  /** The actor teaches the course. */
  teaches?: boolean;
  /** The actor is enrolled in the course. */
  enrolled?: boolean;
  /** The thing is the actor's own (account, passkey, record). */
  self?: boolean;
}

/** Whether `scope` covers the thing these facts describe: `any` covers everything, the others need their fact. */
export function inScope(scope: Scope, facts: ScopeFacts): boolean {
  switch (scope) {
    case 'any':
      return true;
    case 'own-course':
      return facts.teaches === true;
    case 'enrolled':
      return facts.enrolled === true;
    case 'self':
      return facts.self === true;
  }
}
