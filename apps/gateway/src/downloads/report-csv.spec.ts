import { describe, expect, it } from '@jest/globals';
import { reportFileName, reportToCsv } from './report-csv.js';

describe('reportToCsv', () => {
  const report = {
    sessionId: 's',
    courseId: 'c',
    courseCode: 'CS 101',
    courseTitle: 'Computing',
    openedAt: '2026-11-22T08:00:00.000Z',
    closedAt: '2026-11-22T09:00:00.000Z',
    presentCount: 1,
    absentCount: 1,
    rows: [
      {
        studentId: 'a',
        name: 'Ada, "the" first',
        email: 'a@x',
        status: 'present' as const,
        checkedInAt: '2026-11-22T08:01:00.000Z',
        distanceM: 12.4,
        accuracyM: 8,
        methods: ['passkey', 'geofence'],
        flags: [
          { code: 'ACCURACY_ZERO' as const, detail: 'Accuracy 0.' },
          { code: 'SHARED_DEVICE' as const, detail: 'Same device.' },
        ],
      },
      { studentId: 'b', name: '=HYPERLINK("x")', email: 'b@x', status: 'absent' as const, lastRejection: 'OUTSIDE_GEOFENCE' },
      {
        studentId: 'c',
        name: 'Cyd',
        email: 'c@x',
        status: 'excused' as const,
        checkinStatus: 'late' as const,
        checkedInAt: '2026-11-22T08:20:00.000Z',
        distanceM: 3,
        accuracyM: 5,
        methods: ['passkey', 'geofence'],
        override: { status: 'excused' as const, reason: 'Doctor, then "class"', by: 't', at: '2026-11-22T09:30:00.000Z' },
      },
    ],
  };

  it('writes a header, one line per student, quotes and neutralises formulas', () => {
    const lines = reportToCsv(report).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'student_id,name,email,status,checked_in_at,distance_m,accuracy_m,proven_by,last_rejection,checkin_status,changed_reason,changed_by,changed_at,flags',
    );
    expect(lines[1]).toBe('a,"Ada, ""the"" first",a@x,present,2026-11-22T08:01:00.000Z,12,8,passkey+geofence,,present,,,,ACCURACY_ZERO+SHARED_DEVICE');
    expect(lines[2]).toBe(`b,"'=HYPERLINK(""x"")",b@x,absent,,,,,OUTSIDE_GEOFENCE,,,,,`);
  });

  it('keeps the check-in beside a change by hand, with its reason, who and when', () => {
    const lines = reportToCsv(report).trimEnd().split('\r\n');
    expect(lines[3]).toBe('c,Cyd,c@x,excused,2026-11-22T08:20:00.000Z,3,5,passkey+geofence,,late,"Doctor, then ""class""",t,2026-11-22T09:30:00.000Z,');
  });

  it('names the file after the course and the day', () => {
    expect(reportFileName(report)).toBe('attendance-CS_101-2026-11-22.csv');
  });
});
