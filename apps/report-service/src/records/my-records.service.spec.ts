import { describe, expect, it } from '@jest/globals';
import { SettableClock } from '@classconnect/config';
import { ErrorCode } from '@classconnect/contracts';
import { StudentRecordsStore, type StudentReportRow } from './my-records.repository.js';
import { MyRecordsService } from './my-records.service.js';

const me = '11111111-1111-4111-8111-111111111111';
const other = '22222222-2222-4222-8222-222222222222';
const clock = new SettableClock(new Date('2026-06-01T12:00:00.000Z'));

const base = { courseId: 'c1', courseCode: 'CS101', courseTitle: 'Algorithms', openedAt: '2026-05-01T08:00:00.000Z', closedAt: '2026-05-01T09:00:00.000Z' };
const rows: StudentReportRow[] = [
  {
    ...base,
    sessionId: 's2',
    row: {
      studentId: me,
      name: 'Ada',
      email: 'ada@uni.test',
      status: 'excused',
      checkedInAt: '2026-05-01T08:03:00.000Z',
      distanceM: 12.4,
      accuracyM: 8,
      methods: ['passkey', 'geofence'],
      checkinStatus: 'present',
      override: { status: 'excused', reason: 'Left early for an exam', by: 't1', at: '2026-05-01T10:00:00.000Z' },
    },
  },
  { ...base, sessionId: 's1', evidenceRemovedAt: '2026-05-20T00:00:00.000Z', row: { studentId: me, name: 'Ada', email: 'ada@uni.test', status: 'present', checkedInAt: '2026-04-01T08:01:00.000Z' } },
  // A row of someone else (a store bug must never leak it).
  { ...base, sessionId: 's3', row: { studentId: other, name: 'Bea', email: 'bea@uni.test', status: 'absent' } },
];

class FakeStore extends StudentRecordsStore {
  asked: string[] = [];
  async rowsOf(studentId: string) {
    this.asked.push(studentId);
    return rows;
  }
}

describe('MyRecordsService', () => {
  it('gives a student their own records: status, times, proof while kept, changes with their reason', async () => {
    const store = new FakeStore();
    const reply = await new MyRecordsService(store, clock).records({ userId: me, role: 'student' });
    expect(store.asked).toEqual([me]);
    expect(reply).toMatchObject({ studentId: me, generatedAt: '2026-06-01T12:00:00.000Z' });
    expect(reply.records.map((r) => r.sessionId)).toEqual(['s2', 's1']);
    expect(reply.records[0]).toEqual({
      ...base,
      sessionId: 's2',
      status: 'excused',
      checkedInAt: '2026-05-01T08:03:00.000Z',
      checkinStatus: 'present',
      methods: ['passkey', 'geofence'],
      distanceM: 12.4,
      accuracyM: 8,
      override: { status: 'excused', reason: 'Left early for an exam', by: 't1', at: '2026-05-01T10:00:00.000Z' },
      evidenceRemoved: false,
    });
    expect(reply.records[1]).toEqual({ ...base, sessionId: 's1', status: 'present', checkedInAt: '2026-04-01T08:01:00.000Z', evidenceRemoved: true });
  });

  it('refuses teachers and admins (records are downloaded by their student)', async () => {
    for (const role of ['teacher', 'admin'] as const) {
      await expect(new MyRecordsService(new FakeStore(), clock).records({ userId: me, role })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    }
  });
});
