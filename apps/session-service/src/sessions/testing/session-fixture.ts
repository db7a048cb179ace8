/**
 * A SessionService on the in-memory fakes, with one course (CS101, taught by the given teacher) and
 * its roster, for the service's unit specs. Build a new one in each beforeEach: nothing is shared
 * between tests.
 */
import { randomUUID } from 'node:crypto';
import { SettableClock } from '@classconnect/config';
import type { Actor, RecordMarkRequest, RosterReply } from '@classconnect/contracts';
import { codesAt, newQrSecret } from '../../qr/qr-code.js';
import { QrJudge } from '../../qr/qr-judge.js';
import { FakeQrStore } from '../../qr/testing/fakes.js';
import { SessionService, type SessionServiceDeps } from '../session.service.js';
import { FakeEvents, FakeIdentityClient, InMemorySessionStore } from './fakes.js';

/** Where the teacher stands when a spec opens a session: the fence's centre. */
export const position = { latitude: 48.8566, longitude: 2.3522, accuracy: 10 };

/** When the fixture's clock starts. */
export const opening = new Date('2030-01-15T09:00:00.000Z');

const MaxSessionSeconds = 3 * 60 * 60;
const QrStepSeconds = 10;

export interface StartOptions {
  /** Who presses Start: the course's teacher unless given. */
  actor?: Actor;
  /** 10 unless given. */
  lateAfterMinutes?: number;
  windowMinutes?: number;
  /** A session with QR codes, its secret in the fake QR store. */
  qr?: 'offered' | 'required';
}

export type SessionFixture = ReturnType<typeof sessionFixture>;

export function sessionFixture({ teacher, roster }: { teacher: Actor; roster: RosterReply['students'] }) {
  const store = new InMemorySessionStore();
  const qrStore = new FakeQrStore();
  const identity = new FakeIdentityClient();
  const events = new FakeEvents();
  const clock = new SettableClock(opening);
  const courseId = randomUUID();
  identity.courses.set(courseId, { id: courseId, code: 'CS101', title: 'Algorithms', teacherIds: [teacher.userId] });
  identity.rosters.set(courseId, roster);

  /** Another service on the same fakes (sessions last at most 3 hours unless `deps` says otherwise). */
  const newService = (deps: SessionServiceDeps = {}) =>
    new SessionService(store, identity.client, events, clock, new QrJudge(qrStore, clock), { maxSessionSeconds: MaxSessionSeconds, ...deps });
  const service = newService();

  /** Opens a session of the course at `position`, with a 50 m fence. */
  const start = async ({ actor = teacher, lateAfterMinutes = 10, windowMinutes, qr }: StartOptions = {}) => {
    const view = await service.start({
      actor,
      courseId,
      position,
      radiusM: 50,
      lateAfterMinutes,
      ...(windowMinutes !== undefined ? { windowMinutes } : {}),
      ...(qr ? { qr: { mode: qr, stepSeconds: QrStepSeconds } } : {}),
    });
    if (qr) {
      // The fake stores keep the secret apart from the session: the Redis ones share the session hash.
      qrStore.secrets.set(view.sessionId, newQrSecret());
      qrStore.options.set(view.sessionId, { mode: qr, stepSeconds: QrStepSeconds });
    }
    return view;
  };

  /** A verified check-in (passkey and geofence, verified now) as verification hands it over; `extra` changes any part. */
  const mark = (sessionId: string, studentId: string, extra: Partial<RecordMarkRequest> = {}) =>
    service.recordMark({
      sessionId,
      studentId,
      submissionId: randomUUID(),
      distanceM: 12.5,
      accuracyM: 8,
      methods: ['passkey', 'geofence'],
      verifiedAt: clock.now().toISOString(),
      ...extra,
    });

  /** A QR session's token and short code at `at` (now unless given). */
  const codes = (sessionId: string, at = clock.now()) => codesAt(qrStore.secrets.get(sessionId)!, sessionId, QrStepSeconds, at);

  return { store, qrStore, identity, events, clock, courseId, service, newService, start, mark, codes };
}
