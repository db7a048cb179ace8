import { describe, expect, it } from '@jest/globals';
import { buildReport, countStatuses } from './report-builder.js';
import type { MarkRecord } from './report.ports.js';

const ids = {
  ada: '00000000-0000-4000-8000-00000000000a',
  bob: '00000000-0000-4000-8000-00000000000b',
  cyd: '00000000-0000-4000-8000-00000000000c',
  dee: '00000000-0000-4000-8000-00000000000d',
};
const users = [
  { id: ids.ada, name: 'Ada Lovelace', email: 'ada@uni.test', role: 'student' as const },
  { id: ids.bob, name: 'bob Brown', email: 'bob@uni.test', role: 'student' as const },
  { id: ids.cyd, name: 'Cyd Charisse', email: 'cyd@uni.test', role: 'student' as const },
  { id: ids.dee, name: 'Dee Dee', email: 'dee@uni.test', role: 'student' as const },
];
const mark = (studentId: string): MarkRecord => ({
  studentId,
  submissionId: `sub-${studentId.slice(-1)}`,
  markedAt: '2025-03-01T09:01:00.000Z',
  distanceM: 12.5,
  accuracyM: 8,
  methods: ['passkey', 'geofence'],
});

describe('buildReport', () => {
  it('lists every enrolled student once, present with how they were marked or absent with their last refusal', () => {
    const report = buildReport({
      enrolledIds: [ids.dee, ids.cyd, ids.bob, ids.ada],
      presentIds: [ids.ada],
      marks: [mark(ids.ada)],
      lastRejections: new Map([
        [ids.bob, 'OUTSIDE_GEOFENCE'],
        [ids.ada, 'CHALLENGE_NOT_FOUND'],
      ]),
      users,
    });
    expect(report.presentCount).toBe(1);
    expect(report.absentCount).toBe(3);
    expect(report.rows).toEqual([
      {
        studentId: ids.ada,
        name: 'Ada Lovelace',
        email: 'ada@uni.test',
        status: 'present',
        checkedInAt: '2025-03-01T09:01:00.000Z',
        distanceM: 12.5,
        accuracyM: 8,
        methods: ['passkey', 'geofence'],
      },
      { studentId: ids.bob, name: 'bob Brown', email: 'bob@uni.test', status: 'absent', lastRejection: 'OUTSIDE_GEOFENCE' },
      { studentId: ids.cyd, name: 'Cyd Charisse', email: 'cyd@uni.test', status: 'absent' },
      { studentId: ids.dee, name: 'Dee Dee', email: 'dee@uni.test', status: 'absent' },
    ]);
  });

  it('sorts rows by name, ignoring case', () => {
    const report = buildReport({ enrolledIds: [ids.cyd, ids.bob, ids.ada], presentIds: [], marks: [], lastRejections: new Map(), users });
    expect(report.rows.map((r) => r.name)).toEqual(['Ada Lovelace', 'bob Brown', 'Cyd Charisse']);
  });

  it('counts a student the close event lists as present even when their mark never arrived', () => {
    const report = buildReport({ enrolledIds: [ids.ada, ids.bob], presentIds: [ids.bob], marks: [], lastRejections: new Map(), users });
    expect(report.rows.find((r) => r.studentId === ids.bob)).toEqual({ studentId: ids.bob, name: 'bob Brown', email: 'bob@uni.test', status: 'present' });
    expect(report).toMatchObject({ presentCount: 1, absentCount: 1 });
  });

  it('includes a marked student missing from the enrolled list, and names people identity does not know', () => {
    const stranger = '00000000-0000-4000-8000-0000000000ff';
    const report = buildReport({ enrolledIds: [ids.ada], presentIds: [stranger], marks: [mark(stranger)], lastRejections: new Map(), users });
    expect(report.rows).toHaveLength(2);
    expect(report.rows.find((r) => r.studentId === stranger)).toMatchObject({ status: 'present', name: 'Unknown student', email: '' });
  });
  it('shows a late check-in as late, counted among those in the room', () => {
    const report = buildReport({
      enrolledIds: [ids.ada, ids.bob],
      presentIds: [ids.ada],
      marks: [{ ...mark(ids.ada), status: 'late' }],
      lastRejections: new Map(),
      users,
    });
    expect(report.rows[0]).toMatchObject({ studentId: ids.ada, status: 'late', checkedInAt: '2025-03-01T09:01:00.000Z' });
    expect(report).toMatchObject({ presentCount: 1, absentCount: 1 });
    expect(countStatuses(report.rows)).toEqual({ present: 0, late: 1, excused: 0, absent: 1 });
  });

  it('lets the latest change by hand set the status, with its reason, and keeps the check-in’s proof beside it', () => {
    const by = '00000000-0000-4000-8000-0000000000aa';
    const report = buildReport({
      enrolledIds: [ids.ada, ids.bob, ids.cyd],
      presentIds: [ids.ada],
      marks: [{ ...mark(ids.ada), status: 'late' }],
      lastRejections: new Map([[ids.bob, 'OUTSIDE_GEOFENCE']]),
      users,
      overrides: new Map([
        [ids.ada, { studentId: ids.ada, status: 'present', reason: 'Train delayed', changedBy: by, changedAt: '2025-03-01T09:30:00.000Z', sequence: 2 }],
        [ids.bob, { studentId: ids.bob, status: 'excused', reason: 'Sick note', changedBy: by, changedAt: '2025-03-01T10:00:00.000Z', sequence: 1 }],
      ]),
    });
    expect(report.rows).toEqual([
      {
        studentId: ids.ada,
        name: 'Ada Lovelace',
        email: 'ada@uni.test',
        status: 'present',
        checkinStatus: 'late',
        checkedInAt: '2025-03-01T09:01:00.000Z',
        distanceM: 12.5,
        accuracyM: 8,
        methods: ['passkey', 'geofence'],
        override: { status: 'present', reason: 'Train delayed', by, at: '2025-03-01T09:30:00.000Z' },
      },
      {
        studentId: ids.bob,
        name: 'bob Brown',
        email: 'bob@uni.test',
        status: 'excused',
        lastRejection: 'OUTSIDE_GEOFENCE',
        override: { status: 'excused', reason: 'Sick note', by, at: '2025-03-01T10:00:00.000Z' },
      },
      { studentId: ids.cyd, name: 'Cyd Charisse', email: 'cyd@uni.test', status: 'absent' },
    ]);
    expect(report).toMatchObject({ presentCount: 1, absentCount: 2 });
  });
});
