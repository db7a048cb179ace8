import { describe, expect, it } from '@jest/globals';
import { ErrorCode, type ReportPersonData } from '@classconnect/contracts';
import { PersonDataStore, type AttendanceFacts, type PushSubscriptionFacts } from './person-data.ports.js';
import { PersonDataService, attendanceEntry } from './person-data.service.js';

const ann = '40000000-0000-4000-8000-00000000000a';
const bob = '40000000-0000-4000-8000-00000000000b';
const session: AttendanceFacts = {
  sessionId: '10000000-0000-4000-8000-000000000001',
  courseId: '20000000-0000-4000-8000-000000000001',
  courseCode: 'CS101',
  courseTitle: 'Computing',
  openedAt: '2026-03-02T09:00:00.000Z',
  closedAt: '2026-03-02T09:50:00.000Z',
  listedPresent: false,
  mark: null,
  reportStatus: null,
  handMark: null,
};
const mark = { status: 'late' as const, markedAt: '2026-03-02T09:12:00.000Z', methods: ['passkey', 'geofence'], distanceM: 14, accuracyM: 9 };

class FakeStore extends PersonDataStore {
  asked: string[] = [];
  async attendanceOf(userId: string) {
    this.asked.push(userId);
    return [{ ...session, mark, reportStatus: 'late' as const }];
  }
  async recordsOf(): Promise<Pick<ReportPersonData, 'checkins' | 'flags' | 'handMarks' | 'warnings'>> {
    return { checkins: [], flags: [], handMarks: [], warnings: [] };
  }
  async pushSubscriptionsOf(): Promise<PushSubscriptionFacts[]> {
    return [{ endpoint: 'https://fcm.googleapis.com/fcm/send/secret-device-token', createdAt: '2026-03-01T08:00:00.000Z', lastSentAt: null }];
  }
}

describe('attendanceEntry', () => {
  it('gives the check-in’s status and evidence, and the report’s status once a teacher changed it', () => {
    expect(attendanceEntry({ ...session, mark })).toMatchObject({ status: 'late', markedAt: mark.markedAt, methods: ['passkey', 'geofence'], distanceM: 14, accuracyM: 9 });
    expect(attendanceEntry({ ...session, mark, reportStatus: 'excused', handMark: { status: 'excused', changedAt: '2026-03-02T11:00:00.000Z' } })).toMatchObject({ status: 'excused', methods: ['passkey', 'geofence'] });
  });

  it('says manual for a teacher’s mark without a check-in, absent when there is nothing, and no evidence once removed', () => {
    expect(attendanceEntry({ ...session, handMark: { status: 'present', changedAt: '2026-03-02T09:30:00.000Z' } })).toMatchObject({
      status: 'present',
      markedAt: '2026-03-02T09:30:00.000Z',
      methods: ['manual'],
      distanceM: null,
    });
    expect(attendanceEntry(session)).toEqual({ ...session, listedPresent: undefined, mark: undefined, reportStatus: undefined, handMark: undefined, status: 'absent', markedAt: null, methods: [], distanceM: null, accuracyM: null });
    expect(attendanceEntry({ ...session, listedPresent: true })).toMatchObject({ status: 'present', methods: [] });
    expect(attendanceEntry({ ...session, courseCode: null, openedAt: null, closedAt: null, mark: { ...mark, methods: null, distanceM: null, accuracyM: null } })).toMatchObject({
      courseCode: '',
      openedAt: '',
      closedAt: null,
      methods: [],
      distanceM: null,
    });
  });
});

describe('PersonDataService', () => {
  it('answers the person and administrators, with the push service’s host only', async () => {
    const store = new FakeStore();
    const service = new PersonDataService(store);
    const own = await service.export({ actor: { userId: ann, role: 'student' }, userId: ann });
    expect(own.attendance).toHaveLength(1);
    expect(own.pushSubscriptions).toEqual([{ pushService: 'fcm.googleapis.com', createdAt: '2026-03-01T08:00:00.000Z', lastSentAt: null }]);
    expect(JSON.stringify(own)).not.toContain('secret-device-token');
    await service.export({ actor: { userId: bob, role: 'admin' }, userId: ann });
    expect(store.asked).toEqual([ann, ann]);
  });

  it('refuses anyone else’s data to a student or a teacher', async () => {
    const store = new FakeStore();
    for (const role of ['student', 'teacher'] as const) {
      await expect(new PersonDataService(store).export({ actor: { userId: bob, role }, userId: ann })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    }
    expect(store.asked).toEqual([]);
  });
});
