/** File downloads with the bearer token: the report as a spreadsheet, a student's own records, a person's whole data. */
import { ApiError, errorOf, exportQuery } from '../../api.js';

async function download(token: string, path: string, fallbackName: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  } catch {
    throw new ApiError({ code: 'SERVICE_UNAVAILABLE', message: 'network error' });
  }
  if (!res.ok) throw await errorOf(res);
  await saveAsFile(res, fallbackName);
}

/**
 * Hands a fetched file to the browser as a download, under the name the server gave it
 * (Content-Disposition) or else `fallbackName`. The object URL is revoked a little later, not at
 * once: the browser may still be reading it after the click.
 */
async function saveAsFile(res: Response, fallbackName: string): Promise<void> {
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The report as CSV. Unlike the others, a network failure reaches the caller as the fetch's own
 * error, not as SERVICE_UNAVAILABLE: the report screen shows it as it always has.
 */
export async function downloadReportCsv(token: string, sessionId: string): Promise<void> {
  const res = await fetch(`/api/sessions/${encodeURIComponent(sessionId)}/report.csv?${exportQuery()}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw await errorOf(res);
  await saveAsFile(res, `attendance-${sessionId}.csv`);
}

export function downloadReportXlsx(token: string, sessionId: string): Promise<void> {
  return download(token, `/api/sessions/${encodeURIComponent(sessionId)}/report.xlsx?${exportQuery()}`, `attendance-${sessionId}.xlsx`);
}

/** The whole course: a row per student, a column per session, the rate. */
export function downloadCourse(token: string, courseId: string, format: 'csv' | 'xlsx'): Promise<void> {
  return download(token, `/api/courses/${encodeURIComponent(courseId)}/attendance.${format}?${exportQuery()}`, `attendance-${courseId}.${format}`);
}

export function downloadMyRecords(token: string, format: 'csv' | 'json'): Promise<void> {
  return download(token, `/api/me/records.${format}`, `attendance-records.${format}`);
}

/** Everything ClassConnect holds about the signed-in person, as one JSON document (any role). */
export function downloadMyData(token: string): Promise<void> {
  return download(token, '/api/me/data.json', 'classconnect-my-data.json');
}

/** An admin's copy of one person's whole data (the same document as theirs), erased or not. */
export function downloadPersonData(token: string, userId: string): Promise<void> {
  return download(token, `/api/users/${encodeURIComponent(userId)}/data.json`, `classconnect-data-${userId}.json`);
}
