import { Inject, Injectable } from '@nestjs/common';
import { EventSubjects, ServerEvents, type CheckinResult, type EventData } from '@classconnect/contracts';
import { CheckinTimer } from '../checkin/checkin-timer.js';
import { NATS_CONNECTION, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { Fanout, pick, type Route, type Routes } from './fanout.js';
import { Rooms } from './rooms.js';

type Closed = EventData<typeof EventSubjects.sessionClosed> | EventData<typeof EventSubjects.sessionClosedV2>;
type Rejected =
  | EventData<typeof EventSubjects.checkinRejected>
  | EventData<typeof EventSubjects.checkinRejectedV2>
  | EventData<typeof EventSubjects.checkinRejectedV3>;

/** One push per close, from v2 (published first, with every reason) or v1 from an older publisher. */
const sessionClosed: Route<Closed> = {
  once: { group: 'session-closed', key: (e) => e.sessionId },
  pushes: [
    {
      to: (e) => [Rooms.enrolled(e.courseId), Rooms.teaching(e.courseId)],
      event: ServerEvents.sessionClosed,
      // closeReason so the teacher's screen can say why (state-lost: start a new session).
      payload: (e) => ({ sessionId: e.sessionId, courseId: e.courseId, closedAt: e.closedAt, ...(e.closeReason ? { closeReason: e.closeReason } : {}) }),
    },
  ],
};

/**
 * One push per rejection, from the newest version published: v3 first, then v2, then v1 (older
 * publishers send only the older ones). The later twins of a pushed rejection are dropped.
 */
const checkinRejected: Route<Rejected> = {
  once: { group: 'checkin-rejected', key: (e) => e.submissionId },
  pushes: [
    {
      to: (e) => [Rooms.user(e.studentId)],
      event: ServerEvents.checkinResult,
      payload: (e) => ({ submissionId: e.submissionId, sessionId: e.sessionId, verdict: 'rejected', reason: e.reason, message: e.message, distanceM: e.distanceM, at: e.rejectedAt }),
    },
    {
      // A racing second attempt of a student already present changes nothing on the teacher's roster.
      to: (e) => (e.courseId && e.reason !== 'ALREADY_CHECKED_IN' ? [Rooms.teaching(e.courseId)] : []),
      event: ServerEvents.rosterUpdate,
      payload: (e) => ({ sessionId: e.sessionId, studentId: e.studentId, state: 'rejected', reason: e.reason, message: e.message, distanceM: e.distanceM, at: e.rejectedAt }),
    },
  ],
};

/** Low-attendance warnings: to the student themself and to the course's teachers (never to the class). */
const warningTo = (e: { courseId: string; studentId: string }) => [Rooms.user(e.studentId), Rooms.teaching(e.courseId)];
const warningRaised: Route<EventData<typeof EventSubjects.warningRaised>> = {
  pushes: [{ to: warningTo, event: ServerEvents.warningRaised, payload: (e) => pick(e, ['warningId', 'courseId', 'studentId', 'kind', 'figures', 'raisedAt']) }],
};
const warningCleared: Route<EventData<typeof EventSubjects.warningCleared>> = {
  pushes: [{ to: warningTo, event: ServerEvents.warningCleared, payload: (e) => pick(e, ['warningId', 'courseId', 'studentId', 'kind', 'figures', 'raisedAt', 'clearedAt']) }],
};

/** What each attendance fact pushes, to whom. */
export const AttendancePushes: Routes = {
  [EventSubjects.sessionOpened]: {
    pushes: [
      {
        to: (e) => [Rooms.enrolled(e.courseId), Rooms.teaching(e.courseId)],
        event: ServerEvents.sessionOpened,
        payload: (e) => ({
          sessionId: e.sessionId,
          courseId: e.courseId,
          courseCode: e.courseCode,
          courseTitle: e.courseTitle,
          teacherId: e.teacherId,
          status: 'open',
          openedAt: e.openedAt,
          radiusM: e.radiusM,
          enrolledCount: e.enrolledStudentIds.length,
          presentCount: 0,
          ...(e.qr ? { qr: e.qr } : {}),
          ...(e.room ? { room: e.room } : {}),
        }),
      },
    ],
  },
  [EventSubjects.sessionClosedV2]: sessionClosed,
  [EventSubjects.sessionClosed]: sessionClosed,
  // A Stop undone: the course's students may check in again, its teachers' screens go back to live.
  [EventSubjects.sessionReopened]: {
    pushes: [
      {
        to: (e) => [Rooms.enrolled(e.courseId), Rooms.teaching(e.courseId)],
        event: ServerEvents.sessionReopened,
        payload: (e) => pick(e, ['sessionId', 'courseId', 'reopenedAt', 'reopenCount']),
      },
    ],
  },
  [EventSubjects.checkinVerified]: {
    pushes: [
      {
        to: (e) => [Rooms.user(e.studentId)],
        event: ServerEvents.checkinResult,
        payload: (e) => ({ submissionId: e.submissionId, sessionId: e.sessionId, verdict: 'accepted', distanceM: e.distanceM, at: e.verifiedAt }),
      },
      {
        to: (e) => [Rooms.teaching(e.courseId)],
        event: ServerEvents.rosterUpdate,
        payload: (e) => ({ sessionId: e.sessionId, studentId: e.studentId, state: 'present', distanceM: e.distanceM, at: e.verifiedAt }),
      },
    ],
  },
  // A QR code refused at checkin:begin: the student heard it in the ack; the teacher's roster shows "needs retry".
  [EventSubjects.checkinCodeRefused]: {
    pushes: [
      {
        to: (e) => [Rooms.teaching(e.courseId)],
        event: ServerEvents.rosterUpdate,
        payload: (e) => ({ sessionId: e.sessionId, studentId: e.studentId, state: 'rejected', reason: e.reason, message: e.message, at: e.refusedAt }),
      },
    ],
  },
  [EventSubjects.checkinRejectedV3]: checkinRejected,
  [EventSubjects.checkinRejectedV2]: checkinRejected,
  [EventSubjects.checkinRejected]: checkinRejected,
  [EventSubjects.reportReady]: {
    pushes: [
      {
        to: (e) => [Rooms.teaching(e.courseId)],
        event: ServerEvents.reportReady,
        payload: (e) => ({ sessionId: e.sessionId, courseId: e.courseId, presentCount: e.presentCount, absentCount: e.absentCount, ...(e.incomplete ? { incomplete: e.incomplete } : {}) }),
      },
    ],
  },
  // A status set by hand: to every teacher of the course, so each screen shows the same roster.
  [EventSubjects.markChanged]: {
    pushes: [
      {
        to: (e) => [Rooms.teaching(e.courseId)],
        event: ServerEvents.markChanged,
        payload: (e) => pick(e, ['sessionId', 'courseId', 'studentId', 'status', 'previousStatus', 'reason', 'changedBy', 'changedAt', 'sequence']),
      },
    ],
  },
  [EventSubjects.reportUpdated]: {
    pushes: [
      {
        to: (e) => [Rooms.teaching(e.courseId)],
        event: ServerEvents.reportUpdated,
        payload: (e) => pick(e, ['sessionId', 'courseId', 'presentCount', 'absentCount', 'counts', 'revision', 'incomplete']),
      },
    ],
  },
  // Flags on a check-in: to the course's teachers only (never to the student or the class).
  [EventSubjects.checkinFlagged]: {
    pushes: [
      {
        to: (e) => [Rooms.teaching(e.courseId)],
        event: ServerEvents.checkinFlagged,
        payload: (e) => ({
          sessionId: e.sessionId,
          courseId: e.courseId,
          studentId: e.studentId,
          submissionId: e.submissionId,
          flags: e.flags.map((f) => ({ code: f.code, detail: f.detail })),
          flaggedAt: e.flaggedAt,
        }),
      },
    ],
  },
  [EventSubjects.warningRaised]: warningRaised,
  [EventSubjects.warningCleared]: warningCleared,
};

/** Attendance facts (attendance.>) pushed to the sockets of a course's students and teachers. */
@Injectable()
export class EventFanout extends Fanout {
  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(CheckinTimer) private readonly timer: CheckinTimer,
  ) {
    super(nc, 'attendance.', AttendancePushes, createLogger('EventFanout'), 100_000);
  }

  protected override pushed(event: string, payload: unknown): void {
    if (event === ServerEvents.checkinResult) this.timer.settled(payload as CheckinResult);
  }
}
