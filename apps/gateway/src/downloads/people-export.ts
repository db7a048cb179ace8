/**
 * Reports and course attendance for people (the web client's download buttons): headers and
 * statuses in the teacher's language, times in the course's time zone (a course setting; `tz`
 * overrides it), a heading block (course, date, teacher, zone, how the rate counts excused
 * sessions), the email first (no UUID), real date cells in the spreadsheet. The machine CSV
 * (report-csv.ts, asked for without `lang`) stays as it is for scripts reading by column name.
 */
import writeXlsxFile, { type Row, type SheetData } from 'write-excel-file/node';
import { DomainError, ErrorCode, canonicalTimeZone, type AttendanceStatus, type CourseHistoryReply, type ExcusedPolicy, type ReportReply } from '@classconnect/contracts';
import { field } from './report-csv.js';

export type ExportLang = 'en' | 'fr';

const Words = {
  en: {
    course: 'Course', date: 'Date', time: 'Time', teacher: 'Teacher', exportedBy: 'Exported by', timeZone: 'Time zone', sessions: 'Sessions',
    email: 'Email', name: 'Name', status: 'Status', checkedInAt: 'Checked in at', distance: 'Distance (m)', accuracy: 'Accuracy (m)',
    provenBy: 'Proven by', lastTry: 'Last refused try', changedReason: 'Reason for the change', changedAt: 'Changed at', flags: 'Flags',
    rate: 'Attendance rate', attended: 'Attended', excused: 'Excused', absent: 'Absent',
    rateNote_exclude: '(present + late) / sessions, excused sessions left out',
    rateNote_attended: '(present + late + excused) / sessions, excused sessions counted as attended',
    rateNote_absent: '(present + late) / sessions, excused sessions counted as absent',
    rateHow: 'How the rate is counted', sessionRate: 'Attendance rate of the session', noRate: 'no rate (no session counted)',
    status_present: 'Present', status_late: 'Late', status_excused: 'Excused', status_absent: 'Absent',
  },
  fr: {
    course: 'Cours', date: 'Date', time: 'Heure', teacher: 'Enseignant·e', exportedBy: 'Exporté par', timeZone: 'Fuseau horaire', sessions: 'Séances',
    email: 'E-mail', name: 'Nom', status: 'Statut', checkedInAt: 'Pointé à', distance: 'Distance (m)', accuracy: 'Précision (m)',
    provenBy: 'Prouvé par', lastTry: 'Dernier essai refusé', changedReason: 'Motif du changement', changedAt: 'Changé à', flags: 'Signalements',
    rate: 'Taux de présence', attended: 'Présences', excused: 'Excusées', absent: 'Absences',
    rateNote_exclude: '(présent + en retard) / séances, séances excusées non comptées',
    rateNote_attended: '(présent + en retard + excusé) / séances, séances excusées comptées comme présences',
    rateNote_absent: '(présent + en retard) / séances, séances excusées comptées comme absences',
    rateHow: 'Calcul du taux', sessionRate: 'Taux de présence de la séance', noRate: 'pas de taux (aucune séance comptée)',
    status_present: 'Présent', status_late: 'En retard', status_excused: 'Excusé', status_absent: 'Absent',
  },
} as const;

export interface ExportOptions {
  lang: ExportLang;
  /** An IANA time zone (the course's, unless the query named one); times are written in it. */
  timeZone: string;
  /** Who exported it, and whether they teach (the heading says "Teacher") or administer. */
  by: { name: string; role: string };
}

/** What the query asked for, checked before any work: the language, and a zone that overrides the course's. */
export interface ExportQueryOptions {
  lang: ExportLang;
  tz?: string;
  by: ExportOptions['by'];
}

/** Checks the query's language and time zone: an unknown one is a clear error, not a silent UTC. */
export function exportOptions(query: { lang?: string; tz?: string }, by: ExportOptions['by']): ExportQueryOptions {
  const lang = query.lang === 'fr' ? 'fr' : query.lang === 'en' ? 'en' : null;
  if (!lang) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'lang must be en or fr.');
  if (query.tz === undefined) return { lang, by };
  const tz = canonicalTimeZone(query.tz);
  if (!tz) throw new DomainError(ErrorCode.VALIDATION_FAILED, `tz "${query.tz.slice(0, 60)}" is not a time zone (use an IANA name such as Europe/Paris).`);
  return { lang, tz, by };
}

/** The options for one export: the query's zone when it named one, else the course's (UTC from a service that predates the setting). */
export function inZone(options: ExportQueryOptions, courseTimeZone: string | undefined): ExportOptions {
  return { lang: options.lang, by: options.by, timeZone: options.tz ?? courseTimeZone ?? 'UTC' };
}

const percent = (rate: number | null | undefined, o: ExportOptions) => (rate === null || rate === undefined ? Words[o.lang].noRate : `${Math.round(rate * 100)}%`);
const rateNote = (policy: ExcusedPolicy | undefined, o: ExportOptions) => Words[o.lang][`rateNote_${policy ?? 'exclude'}`];

const locale = (lang: ExportLang) => (lang === 'fr' ? 'fr-FR' : 'en-GB');

/** Date and time in the zone, for text (CSV, headings). */
function dateText(iso: string | undefined, o: ExportOptions): string {
  return iso ? new Intl.DateTimeFormat(locale(o.lang), { timeZone: o.timeZone, dateStyle: 'full' }).format(new Date(iso)) : '';
}
function timeText(iso: string | undefined, o: ExportOptions): string {
  return iso ? new Intl.DateTimeFormat(locale(o.lang), { timeZone: o.timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(iso)) : '';
}
function dateTimeText(iso: string | undefined, o: ExportOptions): string {
  if (!iso) return '';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: o.timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/**
 * A Date whose UTC fields are the wall-clock time in the zone: spreadsheets have no time zones, so
 * a cell shows exactly what the wall clock said in the hall.
 */
function wallClock(iso: string, timeZone: string): Date {
  const [d, t] = dateTimeText(iso, { lang: 'en', timeZone, by: { name: '', role: '' } }).split(' ');
  return new Date(`${d}T${t}Z`);
}

function statusWord(status: AttendanceStatus, lang: ExportLang): string {
  return Words[lang][`status_${status}`];
}

function heading(report: Pick<ReportReply, 'courseCode' | 'courseTitle'>, o: ExportOptions, when: string[][]): string[][] {
  const w = Words[o.lang];
  return [[w.course, `${report.courseCode} · ${report.courseTitle}`], ...when, [o.by.role === 'teacher' ? w.teacher : w.exportedBy, o.by.name], [w.timeZone, o.timeZone]];
}

interface Column<R> {
  name: keyof (typeof Words)['en'];
  text: (row: R) => string | number | undefined;
  cell?: (row: R) => Date | number | undefined;
  format?: string;
  width: number;
}

function reportColumns(o: ExportOptions): Column<ReportReply['rows'][number]>[] {
  return [
    { name: 'email', text: (r) => r.email, width: 34 },
    { name: 'name', text: (r) => r.name, width: 28 },
    { name: 'status', text: (r) => statusWord(r.status, o.lang), width: 12 },
    { name: 'checkedInAt', text: (r) => timeText(r.checkedInAt, o), cell: (r) => (r.checkedInAt ? wallClock(r.checkedInAt, o.timeZone) : undefined), format: 'hh:mm:ss', width: 14 },
    { name: 'distance', text: (r) => (r.distanceM === undefined ? undefined : Math.round(r.distanceM)), cell: (r) => (r.distanceM === undefined ? undefined : Math.round(r.distanceM)), width: 12 },
    { name: 'accuracy', text: (r) => (r.accuracyM === undefined ? undefined : Math.round(r.accuracyM)), cell: (r) => (r.accuracyM === undefined ? undefined : Math.round(r.accuracyM)), width: 12 },
    { name: 'provenBy', text: (r) => r.methods?.join(' + '), width: 22 },
    { name: 'lastTry', text: (r) => r.lastRejection, width: 22 },
    { name: 'changedReason', text: (r) => r.override?.reason, width: 32 },
    { name: 'changedAt', text: (r) => dateTimeText(r.override?.at, o), cell: (r) => (r.override ? wallClock(r.override.at, o.timeZone) : undefined), format: 'yyyy-mm-dd hh:mm', width: 18 },
    { name: 'flags', text: (r) => r.flags?.map((f) => f.code).join(' + '), width: 22 },
  ];
}

function reportWhen(report: ReportReply, o: ExportOptions): string[][] {
  const w = Words[o.lang];
  return [[w.date, dateText(report.openedAt, o)], [w.time, `${timeText(report.openedAt, o)} – ${timeText(report.closedAt, o)}`]];
}

/** The session's rate under the course's excused policy, and how it is counted. */
function reportRate(report: ReportReply, o: ExportOptions): string[][] {
  const w = Words[o.lang];
  return [[w.sessionRate, percent(report.rate, o)], [w.rateHow, rateNote(report.excusedPolicy, o)]];
}

function toCsv(lines: (string | number | undefined)[][]): string {
  // A BOM, so spreadsheets open accented names in UTF-8.
  return '\uFEFF' + lines.map((l) => l.map(field).join(',')).join('\r\n') + '\r\n';
}

export function peopleReportCsv(report: ReportReply, o: ExportOptions): string {
  const cols = reportColumns(o);
  return toCsv([...heading(report, o, reportWhen(report, o)), ...reportRate(report, o), [], cols.map((c) => Words[o.lang][c.name]), ...report.rows.map((r) => cols.map((c) => c.text(r)))]);
}

type Cell = NonNullable<Row[number]>;
const textCell = (v: string | number | undefined): Cell | null => (v === undefined || v === '' ? null : typeof v === 'number' ? { value: v, type: Number } : { value: v, type: String });

function headingRows(lines: string[][]): Row[] {
  return lines.map(([label, value]) => [{ value: label!, type: String, fontWeight: 'bold' as const }, textCell(value)]);
}

export async function peopleReportXlsx(report: ReportReply, o: ExportOptions): Promise<Buffer> {
  const cols = reportColumns(o);
  const head = headingRows(heading(report, o, [[Words[o.lang].date, ''], [Words[o.lang].time, `${timeText(report.openedAt, o)} – ${timeText(report.closedAt, o)}`]]));
  // The date as a real date cell.
  const day = wallClock(report.openedAt, o.timeZone);
  day.setUTCHours(0, 0, 0, 0);
  head[1] = [{ value: Words[o.lang].date, type: String, fontWeight: 'bold' as const }, { value: day, type: Date, format: 'yyyy-mm-dd' }];
  // The session's rate as a number with a percent style (none when nothing counts), then how it is counted.
  const bold = (v: string): Cell => ({ value: v, type: String, fontWeight: 'bold' as const });
  head.push(
    [bold(Words[o.lang].sessionRate), report.rate === null || report.rate === undefined ? textCell(Words[o.lang].noRate) : { value: report.rate, type: Number, format: '0%' }],
    [bold(Words[o.lang].rateHow), textCell(rateNote(report.excusedPolicy, o))],
  );
  const data: SheetData = [
    ...head,
    [],
    cols.map((c) => ({ value: Words[o.lang][c.name], type: String, fontWeight: 'bold' as const })),
    ...report.rows.map((r): Row =>
      cols.map((c) => {
        if (c.cell) {
          const v = c.cell(r);
          if (v === undefined) return null;
          return v instanceof Date ? { value: v, type: Date, format: c.format! } : { value: v, type: Number };
        }
        return textCell(c.text(r));
      }),
    ),
  ];
  return writeXlsxFile(data, { sheet: Words[o.lang].course, stickyRowsCount: head.length + 2, columns: cols.map((c) => ({ width: c.width })) }).toBuffer();
}

/** The whole course: a row per student, a column per session (oldest first), then the counts and the rate. */
function courseTable(history: CourseHistoryReply, o: ExportOptions) {
  const w = Words[o.lang];
  const sessions = [...history.sessions].reverse();
  const short = (s: (typeof sessions)[number]) => {
    const at = s.openedAt ?? s.closedAt;
    return `${dateTimeText(at, o).slice(0, 16)}`;
  };
  const header = [w.email, w.name, ...sessions.map(short), w.attended, w.excused, w.absent, w.rate];
  const rows = history.students.map((st) => {
    const statuses = sessions.map((s) => st.statuses?.[s.sessionId]);
    return {
      email: st.email,
      name: st.name,
      statuses: statuses.map((x) => (x ? statusWord(x, o.lang) : '')),
      attended: st.counts.present + st.counts.late,
      excused: st.counts.excused,
      absent: st.counts.absent,
      rate: st.rate,
    };
  });
  return { sessions, header, rows };
}

export function courseCsv(history: CourseHistoryReply, o: ExportOptions): string {
  const w = Words[o.lang];
  const { sessions, header, rows } = courseTable(history, o);
  return toCsv([
    ...heading(history, o, [[w.sessions, String(sessions.length)]]),
    [w.rateHow, rateNote(history.excusedPolicy, o)],
    [],
    header,
    ...rows.map((r) => [r.email, r.name, ...r.statuses, r.attended, r.excused, r.absent, r.rate === null ? '' : `${Math.round(r.rate * 100)}%`]),
  ]);
}

export async function courseXlsx(history: CourseHistoryReply, o: ExportOptions): Promise<Buffer> {
  const w = Words[o.lang];
  const { sessions, header, rows } = courseTable(history, o);
  const head = headingRows([...heading(history, o, [[w.sessions, String(sessions.length)]]), [w.rateHow, rateNote(history.excusedPolicy, o)]]);
  const data: SheetData = [
    ...head,
    [],
    // Session columns are headed by real date-time cells.
    header.map((h, i): Cell => {
      const s = sessions[i - 2];
      return s ? { value: wallClock(s.openedAt ?? s.closedAt, o.timeZone), type: Date, format: 'yyyy-mm-dd hh:mm', fontWeight: 'bold' as const } : { value: h, type: String, fontWeight: 'bold' as const };
    }),
    ...rows.map((r): Row => [
      textCell(r.email),
      textCell(r.name),
      ...r.statuses.map(textCell),
      { value: r.attended, type: Number },
      { value: r.excused, type: Number },
      { value: r.absent, type: Number },
      r.rate === null ? null : { value: r.rate, type: Number, format: '0%' },
    ]),
  ];
  return writeXlsxFile(data, {
    sheet: w.course,
    stickyRowsCount: head.length + 2,
    columns: [{ width: 34 }, { width: 28 }, ...sessions.map(() => ({ width: 17 })), { width: 11 }, { width: 11 }, { width: 11 }, { width: 16 }],
  }).toBuffer();
}

export function safeName(code: string): string {
  return code.replace(/[^A-Za-z0-9_-]/g, '_');
}
