import { describe, expect, it } from '@jest/globals';
import { strFromU8, unzipSync } from 'fflate';
import type { CourseHistoryReply, ReportReply } from '@classconnect/contracts';
import { courseCsv, exportOptions, inZone, peopleReportCsv, peopleReportXlsx } from './people-export.js';

const by = { name: 'Grace Hopper', role: 'teacher' };
// 18:05 UTC on 30 March 2026 is 20:05 in Paris (summer time since the 29th) and 14:05 in New York.
const report: ReportReply = {
  sessionId: 's1',
  courseId: 'c1',
  courseCode: 'CS101',
  courseTitle: 'Algorithms',
  openedAt: '2026-03-30T18:00:00.000Z',
  closedAt: '2026-03-30T18:50:00.000Z',
  presentCount: 1,
  absentCount: 2,
  counts: { present: 1, late: 0, excused: 1, absent: 1 },
  rows: [
    { studentId: 'a', name: 'Ada', email: 'ada@uni.test', status: 'present', checkedInAt: '2026-03-30T18:05:00.000Z' },
    { studentId: 'b', name: 'Bo', email: 'bo@uni.test', status: 'excused' },
    { studentId: 'c', name: 'Cy', email: 'cy@uni.test', status: 'absent' },
  ],
  timeZone: 'Europe/Paris',
  excusedPolicy: 'exclude',
  rate: 0.5,
};

/** The first sheet's cells: A1 → { t, v } (shared strings resolved, inline strings read). */
function cellsOf(file: Buffer): Map<string, { t?: string; v: string }> {
  const parts = unzipSync(new Uint8Array(file));
  const shared = parts['xl/sharedStrings.xml'] ? [...strFromU8(parts['xl/sharedStrings.xml']).matchAll(/<si><t[^>]*>([^<]*)<\/t><\/si>/g)].map((m) => m[1]!) : [];
  const cells = new Map<string, { t?: string; v: string }>();
  for (const m of strFromU8(parts['xl/worksheets/sheet1.xml']!).matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>(?:<v>([^<]*)<\/v>|<is><t[^>]*>([^<]*)<\/t><\/is>)<\/c>)/g)) {
    const t = /t="(\w+)"/.exec(m[2]!)?.[1];
    const raw = m[3] ?? m[4] ?? '';
    cells.set(m[1]!, { ...(t ? { t } : {}), v: t === 's' ? shared[Number(raw)]! : raw });
  }
  return cells;
}

/** A spreadsheet serial (days since 1899-12-30) as the wall clock it shows, `YYYY-MM-DD HH:MM`. */
const wall = (serial: string) => new Date(Date.UTC(1899, 11, 30) + Math.round(Number(serial) * 86_400) * 1000).toISOString().slice(0, 16).replace('T', ' ');

describe('exports for people, in the course’s time zone', () => {
  it('takes the course’s zone unless the query names one, and refuses a zone that is none', () => {
    expect(inZone(exportOptions({ lang: 'en' }, by), 'Europe/Paris').timeZone).toBe('Europe/Paris');
    expect(inZone(exportOptions({ lang: 'en', tz: 'america/new_york' }, by), 'Europe/Paris').timeZone).toBe('America/New_York');
    expect(inZone(exportOptions({ lang: 'en' }, by), undefined).timeZone).toBe('UTC');
    expect(() => exportOptions({ lang: 'en', tz: 'Mars/Olympus' }, by)).toThrow(/not a time zone/);
    expect(() => exportOptions({ lang: 'de' }, by)).toThrow(/lang must be en or fr/);
  });

  it('writes the CSV’s times as the wall clock in the course’s zone and names the zone and the rate in the heading', () => {
    const lines = peopleReportCsv(report, inZone(exportOptions({ lang: 'en' }, by), report.timeZone)).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toContain('Time zone,Europe/Paris');
    expect(lines).toContain('Time,20:00 – 20:50');
    expect(lines).toContain('Teacher,Grace Hopper');
    expect(lines).toContain('Attendance rate of the session,50%');
    expect(lines).toContain('How the rate is counted,"(present + late) / sessions, excused sessions left out"');
    expect(lines.find((l) => l.startsWith('ada@uni.test,'))).toBe('ada@uni.test,Ada,Present,20:05,,,,,,,');
  });

  it('writes real date cells in the spreadsheet, showing the course zone’s wall clock', async () => {
    const cells = cellsOf(await peopleReportXlsx(report, inZone(exportOptions({ lang: 'fr' }, by), report.timeZone)));
    expect(cells.get('A2')).toEqual({ t: 's', v: 'Date' });
    // A number (no t="s"/"inlineStr"), the day's serial: 30 March 2026.
    expect(cells.get('B2')!.t).toBeUndefined();
    expect(wall(cells.get('B2')!.v)).toBe('2026-03-30 00:00');
    const ada = [...cells.entries()].find(([, c]) => c.v === 'ada@uni.test')![0].slice(1);
    expect(cells.get(`D${ada}`)!.t).toBeUndefined();
    expect(wall(cells.get(`D${ada}`)!.v)).toBe('2026-03-30 20:05');
    // New York, when the course is there.
    const ny = cellsOf(await peopleReportXlsx({ ...report, timeZone: 'America/New_York' }, inZone(exportOptions({ lang: 'fr' }, by), 'America/New_York')));
    expect(wall(ny.get(`D${ada}`)!.v)).toBe('2026-03-30 14:05');
    expect([...ny.values()].some((c) => c.v === 'America/New_York')).toBe(true);
  });

  it('says in the whole-course export how excused sessions count under the course’s policy', () => {
    const history: CourseHistoryReply = {
      courseId: 'c1',
      courseCode: 'CS101',
      courseTitle: 'Algorithms',
      timeZone: 'Europe/Paris',
      excusedPolicy: 'absent',
      sessions: [{ sessionId: 's1', openedAt: report.openedAt, closedAt: report.closedAt, counts: report.counts!, listed: 3 }],
      students: [{ studentId: 'b', name: 'Bo', email: 'bo@uni.test', enrolled: true, sessions: 1, counts: { present: 0, late: 0, excused: 1, absent: 0 }, rate: 0, statuses: { s1: 'excused' } }],
    };
    const lines = courseCsv(history, inZone(exportOptions({ lang: 'en' }, by), history.timeZone)).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toContain('How the rate is counted,"(present + late) / sessions, excused sessions counted as absent"');
    expect(lines.find((l) => l.startsWith('Email,'))).toBe('Email,Name,2026-03-30 20:00,Attended,Excused,Absent,Attendance rate');
    expect(lines.find((l) => l.startsWith('bo@uni.test,'))).toBe('bo@uni.test,Bo,Excused,0,1,0,0%');
  });
});
