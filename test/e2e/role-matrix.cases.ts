/**
 * The role matrix: for every client event, what each role gets when it acts on course A.
 * `allowed` means the permission checks let the request through: the ack is ok, or a domain error
 * that is not about permission (SESSION_ALREADY_OPEN, PASSKEY_REGISTRATION_FAILED, …). The other
 * values are the exact refusal. role-matrix.spec.ts fails for any client event without a row here.
 */
import { ClientEvents, ErrorCode, type ClientEvent, type Position } from '@classconnect/contracts';

/** admin; teacherA teaches course A; teacherB teaches course B only; studentA is enrolled in A; outsider is enrolled in B only. */
export const MatrixRoles = ['admin', 'teacherA', 'teacherB', 'studentA', 'outsider'] as const;
export type MatrixRole = (typeof MatrixRoles)[number];

/**
 * `ok`: the ack is ok. `allowed`: ok, or a domain error that is not about permission.
 * `rejected-verdict`: the check-in is queued (ack ok) and then refused by the verdict pushed as checkin:result.
 */
export type Expectation = 'ok' | 'allowed' | typeof ErrorCode.FORBIDDEN | typeof ErrorCode.NOT_COURSE_TEACHER | typeof ErrorCode.NOT_ENROLLED | 'rejected-verdict';

/** Ids the payloads point at: everything is course A's (the course teacherB and the outsider reach into). */
export interface MatrixContext {
  courseA: string;
  /** An open session of course A, with rotating QR codes offered. */
  openSessionA: string;
  /** A stopped session of course A whose report is built. */
  closedSessionA: string;
  studentAId: string;
  teacherAId: string;
  /** Unique per run, for emails and course codes that must not collide. */
  unique: string;
  room: Position;
}

export interface MatrixRow {
  payload(ctx: MatrixContext, role: MatrixRole): unknown;
  expect: Record<MatrixRole, Expectation>;
}

const F = ErrorCode.FORBIDDEN;
const T = ErrorCode.NOT_COURSE_TEACHER;
const E = ErrorCode.NOT_ENROLLED;
const all = (e: Expectation): Record<MatrixRole, Expectation> => ({ admin: e, teacherA: e, teacherB: e, studentA: e, outsider: e });
/** Admins and the course's teachers; another course's teacher is told they do not teach it; students may not at all. */
const staffOfA: Record<MatrixRole, Expectation> = { admin: 'allowed', teacherA: 'allowed', teacherB: T, studentA: F, outsider: F };
const staffOfAOk: Record<MatrixRole, Expectation> = { ...staffOfA, admin: 'ok', teacherA: 'ok' };
const adminOnly: Record<MatrixRole, Expectation> = { admin: 'ok', teacherA: F, teacherB: F, studentA: F, outsider: F };

/** A registration response of the right shape that no ceremony produced: refused by verification, not by permission. */
const fakeRegistration = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: 'AAAA', attestationObject: 'AAAA' }, clientExtensionResults: {} };

export const RoleMatrix: Partial<Record<ClientEvent, MatrixRow>> = {
  [ClientEvents.sessionStart]: {
    // Course A already has an open session: allowed roles get SESSION_ALREADY_OPEN.
    payload: (c) => ({ courseId: c.courseA, position: c.room }),
    expect: staffOfA,
  },
  [ClientEvents.sessionStop]: {
    // Already stopped: allowed roles get SESSION_NOT_OPEN.
    payload: (c) => ({ sessionId: c.closedSessionA }),
    expect: staffOfA,
  },
  [ClientEvents.sessionReopen]: {
    // Still open: allowed roles get SESSION_NOT_STOPPED (reopening the stopped one would change what other rows read).
    payload: (c) => ({ sessionId: c.openSessionA }),
    expect: staffOfA,
  },
  [ClientEvents.sessionGet]: {
    payload: (c) => ({ sessionId: c.openSessionA }),
    expect: { admin: 'ok', teacherA: 'ok', teacherB: F, studentA: 'ok', outsider: F },
  },
  [ClientEvents.sessionsActive]: { payload: () => ({}), expect: all('ok') },
  [ClientEvents.passkeyOptions]: { payload: () => ({}), expect: all('ok') },
  [ClientEvents.passkeyRegister]: { payload: () => ({ response: fakeRegistration }), expect: all('allowed') },
  [ClientEvents.passkeyList]: { payload: () => ({}), expect: all('ok') },
  [ClientEvents.checkinBegin]: {
    payload: (c) => ({ sessionId: c.openSessionA }),
    expect: { admin: F, teacherA: F, teacherB: F, studentA: 'allowed', outsider: E },
  },
  [ClientEvents.checkinSubmit]: {
    // studentA does the whole ceremony and is accepted; the outsider, who cannot get a challenge, signs one of its own.
    payload: (c) => ({ sessionId: c.openSessionA }),
    expect: { admin: F, teacherA: F, teacherB: F, studentA: 'ok', outsider: 'rejected-verdict' },
  },
  [ClientEvents.reportGet]: { payload: (c) => ({ sessionId: c.closedSessionA }), expect: staffOfAOk },
  [ClientEvents.whoami]: { payload: () => ({}), expect: all('ok') },
  [ClientEvents.attendanceMark]: {
    payload: (c) => ({ sessionId: c.openSessionA, targetStudentId: c.studentAId, status: 'present', reason: 'Seen in the room' }),
    expect: staffOfAOk,
  },
  [ClientEvents.historyCourse]: { payload: (c) => ({ courseId: c.courseA }), expect: staffOfAOk },
  [ClientEvents.historyMine]: { payload: () => ({}), expect: all('ok') },
  [ClientEvents.warningsCourse]: { payload: (c) => ({ courseId: c.courseA }), expect: staffOfAOk },
  [ClientEvents.warningsMine]: { payload: () => ({}), expect: all('ok') },
  [ClientEvents.pushConfig]: { payload: () => ({}), expect: all('ok') },
  // Push is off in the role-matrix system (no VAPID keys): allowed roles get NOT_FOUND (not configured).
  [ClientEvents.pushSubscribe]: {
    payload: () => ({ subscription: { endpoint: 'https://fcm.googleapis.com/fcm/send/role-matrix', keys: { p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) } } }),
    expect: all('allowed'),
  },
  [ClientEvents.pushUnsubscribe]: { payload: () => ({ endpoint: 'https://fcm.googleapis.com/fcm/send/role-matrix' }), expect: all('ok') },
  // Back to the deployment's defaults: changes nothing the other rows read.
  [ClientEvents.warningsThresholdsSet]: { payload: (c) => ({ courseId: c.courseA, thresholds: null }), expect: staffOfAOk },
  [ClientEvents.sessionQr]: { payload: (c) => ({ sessionId: c.openSessionA }), expect: staffOfAOk },
  // People and courses administration, audit log
  [ClientEvents.userCreate]: {
    payload: (c, role) => ({ email: `made-by-${role.toLowerCase()}-${c.unique}@matrix.test`, name: `Made by ${role}`, role: 'student' }),
    expect: adminOnly,
  },
  [ClientEvents.userList]: {
    // Teachers may look students up (a search of 3+ characters) to add them to their course.
    payload: () => ({ query: 'classconnect.test', limit: 10, offset: 0 }),
    expect: { admin: 'ok', teacherA: 'ok', teacherB: 'ok', studentA: F, outsider: F },
  },
  [ClientEvents.userUpdate]: { payload: (c) => ({ targetUserId: c.studentAId, name: 'Student A' }), expect: adminOnly },
  [ClientEvents.courseCreate]: {
    payload: (c, role) => ({ code: `M-${role}-${c.unique}`.slice(0, 64), title: 'Matrix course', term: '2026 autumn' }),
    expect: adminOnly,
  },
  [ClientEvents.courseUpdate]: { payload: (c) => ({ courseId: c.courseA, term: '2026 autumn' }), expect: adminOnly },
  [ClientEvents.courseTeachersSet]: {
    // The same teachers again: an admin's request changes nothing the later rows rely on.
    payload: (c) => ({ courseId: c.courseA, teacherIds: [c.teacherAId] }),
    expect: adminOnly,
  },
  [ClientEvents.courseList]: { payload: () => ({}), expect: all('ok') },
  [ClientEvents.auditList]: { payload: () => ({ limit: 5 }), expect: adminOnly },
  // Device binding (devices.spec covers a teacher deciding for another course's student)
  // A passkey nobody has: everyone may try to remove their own, and is told it is not found.
  [ClientEvents.passkeyRemove]: { payload: () => ({ credentialId: 'bm8tc3VjaC1wYXNza2V5' }), expect: all('allowed') },
  [ClientEvents.devicesPending]: { payload: () => ({}), expect: { admin: 'ok', teacherA: 'ok', teacherB: 'ok', studentA: F, outsider: F } },
  [ClientEvents.deviceApprove]: {
    payload: () => ({ credentialId: 'bm8tc3VjaC1wYXNza2V5' }),
    expect: { admin: 'allowed', teacherA: 'allowed', teacherB: 'allowed', studentA: F, outsider: F },
  },
  [ClientEvents.deviceDeny]: {
    payload: () => ({ credentialId: 'bm8tc3VjaC1wYXNza2V5' }),
    expect: { admin: 'allowed', teacherA: 'allowed', teacherB: 'allowed', studentA: F, outsider: F },
  },
  // Rooms, enrollments and roster import. Nothing here changes course A's roster: the targets do not exist.
  [ClientEvents.roomCreate]: {
    payload: (c, role) => ({ name: `Matrix room ${role} ${c.unique}`, latitude: c.room.latitude, longitude: c.room.longitude, defaultRadiusM: 60 }),
    expect: adminOnly,
  },
  // A room nobody made: the admin is told it is not found; everyone else may not change rooms at all.
  [ClientEvents.roomUpdate]: { payload: () => ({ roomId: '00000000-0000-4000-8000-000000000001', name: 'Renamed' }), expect: { ...adminOnly, admin: 'allowed' } },
  [ClientEvents.roomDelete]: { payload: () => ({ roomId: '00000000-0000-4000-8000-000000000001' }), expect: { ...adminOnly, admin: 'allowed' } },
  [ClientEvents.roomList]: { payload: () => ({}), expect: { admin: 'ok', teacherA: 'ok', teacherB: 'ok', studentA: F, outsider: F } },
  [ClientEvents.enrollmentAdd]: { payload: (c) => ({ courseId: c.courseA, email: `nobody-${c.unique}@matrix.test` }), expect: staffOfA },
  [ClientEvents.enrollmentRemove]: { payload: (c) => ({ courseId: c.courseA, targetStudentId: '00000000-0000-4000-8000-000000000002' }), expect: staffOfA },
  [ClientEvents.courseRoster]: { payload: (c) => ({ courseId: c.courseA }), expect: staffOfAOk },
  [ClientEvents.rosterImport]: {
    payload: (c) => ({ courseId: c.courseA, mode: 'preview', csv: `email,name\nnew-${c.unique}@matrix.test,New Student\n` }),
    expect: staffOfAOk,
  },
  // Sign-in security: an account nobody has, so nothing the later rows rely on is disabled.
  [ClientEvents.userSetDisabled]: {
    payload: () => ({ targetUserId: '00000000-0000-4000-8000-000000000003', disabled: true }),
    expect: { ...adminOnly, admin: 'allowed' },
  },
  // Erasing an account nobody has: USER_NOT_FOUND once permitted (nothing real is erased).
  [ClientEvents.userErase]: {
    payload: () => ({ targetUserId: '00000000-0000-4000-8000-000000000003', confirmEmail: 'nobody@uni.test' }),
    expect: { ...adminOnly, admin: 'allowed' },
  },
  // Operations: set-aside messages. A replay of a dead letter nobody has: NOT_FOUND once permitted.
  [ClientEvents.deadLetterList]: { payload: () => ({}), expect: adminOnly },
  [ClientEvents.deadLetterReplay]: { payload: () => ({ sequence: 999_999_999 }), expect: { ...adminOnly, admin: 'allowed' } },
  // Webhooks: an address that does not resolve (WEBHOOK_URL_REFUSED) and an endpoint nobody made (WEBHOOK_NOT_FOUND) for the admin.
  [ClientEvents.webhookList]: { payload: () => ({}), expect: adminOnly },
  [ClientEvents.webhookCreate]: { payload: () => ({ url: 'https://hooks.example.invalid/in', eventTypes: ['attendance.session.opened.v1'] }), expect: { ...adminOnly, admin: 'allowed' } },
  [ClientEvents.webhookUpdate]: { payload: () => ({ endpointId: '00000000-0000-4000-8000-000000000001', enabled: false }), expect: { ...adminOnly, admin: 'allowed' } },
  [ClientEvents.webhookDelete]: { payload: () => ({ endpointId: '00000000-0000-4000-8000-000000000001' }), expect: { ...adminOnly, admin: 'allowed' } },
  [ClientEvents.webhookRotateSecret]: { payload: () => ({ endpointId: '00000000-0000-4000-8000-000000000001' }), expect: { ...adminOnly, admin: 'allowed' } },
  [ClientEvents.webhookTest]: { payload: () => ({ endpointId: '00000000-0000-4000-8000-000000000001' }), expect: { ...adminOnly, admin: 'allowed' } },
  [ClientEvents.webhookDeliveries]: { payload: () => ({ endpointId: '00000000-0000-4000-8000-000000000001' }), expect: { ...adminOnly, admin: 'allowed' } },
  // Check-in flags: read with the report's permission.
  [ClientEvents.flagsGet]: { payload: (c) => ({ sessionId: c.openSessionA }), expect: staffOfAOk },
};
