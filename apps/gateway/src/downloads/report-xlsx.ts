import writeXlsxFile, { type Row } from 'write-excel-file/node';
import type { ReportReply } from '@classconnect/contracts';
import { ReportColumns } from './report-csv.js';

/**
 * The report as a spreadsheet (one sheet). Every text is written as a text cell, never a formula,
 * so a name or reason starting with = is shown as typed; distances are numbers, times are ISO text
 * (as in the CSV, so both read the same).
 */
export async function reportToXlsx(report: ReportReply): Promise<Buffer> {
  const cell = (v: string | number | undefined, metres?: true) =>
    v === undefined || v === '' ? null : metres ? { value: Number(v), type: Number } : { value: String(v), type: String };
  const rows: Row[] = [
    ReportColumns.map((c) => ({ value: c.name, type: String, fontWeight: 'bold' as const })),
    ...report.rows.map((r): Row => ReportColumns.map((c) => cell(c.value(r), c.metres))),
  ];
  return writeXlsxFile(rows, {
    sheet: 'Attendance',
    stickyRowsCount: 1,
    columns: [{ width: 38 }, { width: 28 }, { width: 34 }, { width: 10 }, { width: 26 }, { width: 11 }, { width: 11 }, { width: 20 }, { width: 22 }, { width: 14 }, { width: 32 }, { width: 38 }, { width: 26 }, { width: 24 }],
  }).toBuffer();
}

export function reportXlsxName(report: ReportReply): string {
  return `attendance-${report.courseCode.replace(/[^A-Za-z0-9_-]/g, '_')}-${report.openedAt.slice(0, 10)}.xlsx`;
}
