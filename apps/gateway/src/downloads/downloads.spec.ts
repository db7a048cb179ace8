import { describe, expect, it } from '@jest/globals';
import { strFromU8, unzipSync } from 'fflate';
import type { MyRecordsReply, ReportReply } from '@classconnect/contracts';
import { recordsToCsv } from './records-csv.js';
import { reportToXlsx, reportXlsxName } from './report-xlsx.js';

const records: MyRecordsReply = {
  studentId: 's1',
  generatedAt: '2026-06-01T12:00:00.000Z',
  records: [
    {
      courseId: 'c1',
      courseCode: 'CS101',
      courseTitle: 'Algorithms, =SUM(A1)',
      sessionId: 'x1',
      openedAt: '2026-05-01T08:00:00.000Z',
      closedAt: '2026-05-01T09:00:00.000Z',
      status: 'excused',
      checkedInAt: '2026-05-01T08:03:00.000Z',
      checkinStatus: 'late',
      methods: ['passkey', 'geofence', 'qr'],
      distanceM: 12.4,
      accuracyM: 8.2,
      override: { status: 'excused', reason: '=HYPERLINK("http://evil")', by: 't1', at: '2026-05-01T10:00:00.000Z' },
      evidenceRemoved: false,
    },
    { courseId: 'c1', courseCode: 'CS101', courseTitle: 'Algorithms', sessionId: 'x0', closedAt: '2026-04-01T09:00:00.000Z', status: 'present', checkedInAt: '2026-04-01T08:01:00.000Z', evidenceRemoved: true },
  ],
};

describe('a student’s records as CSV', () => {
  it('has one line per session, the proof while kept, the change with its reason, never a formula', () => {
    const lines = recordsToCsv(records).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'course_code,course_title,session_id,opened_at,closed_at,status,checked_in_at,proven_by,distance_m,accuracy_m,last_rejection,checkin_status,changed_reason,changed_by,changed_at,evidence_removed',
    );
    expect(lines[1]).toBe(
      'CS101,"Algorithms, =SUM(A1)",x1,2026-05-01T08:00:00.000Z,2026-05-01T09:00:00.000Z,excused,2026-05-01T08:03:00.000Z,passkey+geofence+qr,12,8,,late,"\'=HYPERLINK(""http://evil"")",t1,2026-05-01T10:00:00.000Z,no',
    );
    expect(lines[2]).toBe('CS101,Algorithms,x0,,2026-04-01T09:00:00.000Z,present,2026-04-01T08:01:00.000Z,,,,,present,,,,yes');
  });
});

describe('a report as a spreadsheet', () => {
  const report: ReportReply = {
    sessionId: 'x1',
    courseId: 'c1',
    courseCode: 'CS 101',
    courseTitle: 'Algorithms',
    openedAt: '2026-05-01T08:00:00.000Z',
    closedAt: '2026-05-01T09:00:00.000Z',
    presentCount: 1,
    absentCount: 1,
    rows: [
      { studentId: 'a', name: 'Ada Lovelace', email: 'ada@uni.test', status: 'present', checkedInAt: '2026-05-01T08:02:00.000Z', distanceM: 14.6, accuracyM: 9, methods: ['passkey', 'geofence'] },
      { studentId: 'b', name: '=cmd|calc', email: 'b@uni.test', status: 'absent', lastRejection: 'OUTSIDE_GEOFENCE' },
    ],
  };

  it('is a zip holding one sheet with the CSV’s columns, text as text (never a formula), distances as numbers', async () => {
    const file = await reportToXlsx(report);
    expect(file.subarray(0, 2).toString()).toBe('PK');
    const parts = unzipSync(new Uint8Array(file));
    const sheet = strFromU8(parts['xl/worksheets/sheet1.xml']!);
    const shared = parts['xl/sharedStrings.xml'] ? strFromU8(parts['xl/sharedStrings.xml']) : '';
    const all = sheet + shared;
    for (const text of ['student_id', 'changed_at', 'Ada Lovelace', 'passkey+geofence', 'OUTSIDE_GEOFENCE', '=cmd|calc']) expect(all).toContain(text);
    expect(sheet).not.toContain('<f>');
    expect(sheet).toMatch(/<v>15<\/v>/);
    expect(reportXlsxName(report)).toBe('attendance-CS_101-2026-05-01.xlsx');
  });
});
