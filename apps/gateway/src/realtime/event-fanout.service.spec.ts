import { describe, expect, it } from '@jest/globals';
import { EventSubjects, ServerEvents } from '@classconnect/contracts';
import { CheckinTimer } from '../checkin/checkin-timer.js';
import { EventFanout } from './event-fanout.service.js';
import { Rooms } from './rooms.js';
import { FakeServer, cloudEvent, idleNats } from './testing/fakes.js';

const sessionId = '0b7f9a52-3c1d-4e2f-8a6b-9d0c1e2f3a4b';
const courseId = '1c8e0b63-4d2e-4f3a-9b7c-0e1f2a3b4c5d';
const studentId = '6f1c1c6e-8f0a-4d8e-9a53-2f5c3b9e4d11';
const at = '2026-05-01T08:03:00.000Z';

function attached() {
  const server = new FakeServer();
  const fanout = new EventFanout(idleNats, new CheckinTimer());
  fanout.attach(server.asServer());
  return { fanout, emitted: server.emitted };
}

const rejection = (reason: 'OUTSIDE_GEOFENCE' | 'ALREADY_CHECKED_IN', submissionId = 'sub-2') => ({
  submissionId,
  sessionId,
  courseId,
  studentId,
  reason,
  message: 'Too far.',
  distanceM: 240,
  rejectedAt: at,
});

describe('EventFanout', () => {
  it('pushes an accepted check-in to the student, then to the course’s teachers', () => {
    const { fanout, emitted } = attached();
    fanout.route(
      cloudEvent(EventSubjects.checkinVerified, { submissionId: 'sub-1', sessionId, courseId, studentId, distanceM: 12, accuracyM: 8, methods: ['passkey'], verifiedAt: at }),
    );
    expect(emitted).toEqual([
      { rooms: [Rooms.user(studentId)], event: ServerEvents.checkinResult, payload: { submissionId: 'sub-1', sessionId, verdict: 'accepted', distanceM: 12, at } },
      { rooms: [Rooms.teaching(courseId)], event: ServerEvents.rosterUpdate, payload: { sessionId, studentId, state: 'present', distanceM: 12, at } },
    ]);
  });

  it('pushes an accepted check-in once when its decision is published again (the same event: its id is verdict:<submissionId>)', () => {
    const { fanout, emitted } = attached();
    const verified = { submissionId: 'sub-1', sessionId, courseId, studentId, distanceM: 12, accuracyM: 8, methods: ['passkey' as const], verifiedAt: at };
    const first = { ...cloudEvent(EventSubjects.checkinVerified, verified), id: 'verdict:sub-1' };
    fanout.route(first);
    fanout.route({ ...first });
    expect(emitted.map((e) => e.event)).toEqual([ServerEvents.checkinResult, ServerEvents.rosterUpdate]);
  });

  it('pushes a rejection once, from the first of its versions, and a repeated event not again', () => {
    const { fanout, emitted } = attached();
    const v3 = cloudEvent(EventSubjects.checkinRejectedV3, rejection('OUTSIDE_GEOFENCE'));
    fanout.route(v3);
    fanout.route(v3);
    fanout.route(cloudEvent(EventSubjects.checkinRejectedV2, rejection('OUTSIDE_GEOFENCE')));
    fanout.route(cloudEvent(EventSubjects.checkinRejected, rejection('OUTSIDE_GEOFENCE')));
    expect(emitted.map((e) => [e.event, e.rooms])).toEqual([
      [ServerEvents.checkinResult, [Rooms.user(studentId)]],
      [ServerEvents.rosterUpdate, [Rooms.teaching(courseId)]],
    ]);
    expect(emitted[1]!.payload).toEqual({ sessionId, studentId, state: 'rejected', reason: 'OUTSIDE_GEOFENCE', message: 'Too far.', distanceM: 240, at });
  });

  it('tells only the student about a racing second attempt of a check-in already accepted', () => {
    const { fanout, emitted } = attached();
    fanout.route(cloudEvent(EventSubjects.checkinRejectedV3, rejection('ALREADY_CHECKED_IN', 'sub-3')));
    expect(emitted.map((e) => e.event)).toEqual([ServerEvents.checkinResult]);
  });

  it('pushes a QR code refused at checkin:begin to the course’s teachers only, as a rejection with its QR reason ("needs retry")', () => {
    const { fanout, emitted } = attached();
    fanout.route(
      cloudEvent(EventSubjects.checkinCodeRefused, { sessionId, courseId, studentId, reason: 'QR_EXPIRED', message: 'That code has already changed.', refusedAt: at }),
    );
    expect(emitted).toEqual([
      {
        rooms: [Rooms.teaching(courseId)],
        event: ServerEvents.rosterUpdate,
        payload: { sessionId, studentId, state: 'rejected', reason: 'QR_EXPIRED', message: 'That code has already changed.', at },
      },
    ]);
  });

  it('pushes a close once (v2, then its v1 twin), with its reason', () => {
    const { fanout, emitted } = attached();
    const closed = { sessionId, courseId, closedAt: at, closedBy: studentId, presentStudentIds: [] };
    fanout.route(cloudEvent(EventSubjects.sessionClosedV2, { ...closed, closeReason: 'state-lost' }));
    fanout.route(cloudEvent(EventSubjects.sessionClosed, { ...closed, closeReason: 'max-length' }));
    expect(emitted).toEqual([
      { rooms: [Rooms.enrolled(courseId), Rooms.teaching(courseId)], event: ServerEvents.sessionClosed, payload: { sessionId, courseId, closedAt: at, closeReason: 'state-lost' } },
    ]);
  });

  it('pushes nothing for an event type it does not know or does not push', () => {
    const { fanout, emitted } = attached();
    const verified = { submissionId: 'sub-9', sessionId, courseId, studentId, distanceM: 12, accuracyM: 8, methods: ['passkey' as const], verifiedAt: at };
    fanout.route({ ...cloudEvent(EventSubjects.checkinVerified, verified), type: 'edu.classconnect.attendance.something.v9' });
    fanout.route(cloudEvent(EventSubjects.markRecorded, { sessionId, courseId, studentId, source: 'checkin', submissionId: 'sub-9', distanceM: 12, accuracyM: 8, methods: ['passkey'], markedAt: at, status: 'present' } as never));
    expect(emitted).toEqual([]);
  });

  it('subscribes to the subjects it pushes, not to every attendance fact', () => {
    const subjects: string[] = [];
    const nats = { subscribe: (subject: string) => (subjects.push(subject), { unsubscribe: () => undefined }) } as unknown as typeof idleNats;
    new EventFanout(nats, new CheckinTimer()).attach(new FakeServer().asServer());
    expect(subjects).toContain(EventSubjects.checkinVerified);
    expect(subjects).toContain(EventSubjects.checkinRejectedV3);
    expect(subjects).not.toContain(EventSubjects.markRecorded);
    expect(subjects).not.toContain(EventSubjects.markRecordedV2);
    expect(subjects.every((s) => s.startsWith('attendance.') && !s.includes('>') && !s.includes('*'))).toBe(true);
  });
});
