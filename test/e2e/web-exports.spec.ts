/**
 * Reports and exports for people, downloaded from the browser and parsed back: the CSV and the
 * spreadsheet of a report in French with times in the **course's** time zone (New York here, set by
 * an admin; the browser itself is in Tokyo), real date cells and a heading block (course, date,
 * teacher, zone, the session's rate); the whole-course export (a row per student, a column per
 * session, the rate under the course's excused policy: left out by default, then counted as
 * attended once the admin says so); the machine CSV is unchanged without `lang`. A bad time zone
 * is a clear error.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Download, Page } from 'playwright-core';
import { ClientEvents, type Position } from '@classconnect/contracts';
import { connectSocket, fillSignIn, launchChromium, offsetNorth, requestOk, seatClass, snapScreen, startTestSystem, type Classroom, type TestSystem } from '@classconnect/testing';
import type { Socket } from 'socket.io-client';
import { DemoAdmin, seedDemoAdmin } from './admin-fixture.js';

const room: Position = { latitude: 40.7295, longitude: -73.9965, accuracy: 10 };

/** A file of the .xlsx (a zip) as text. */
function xlsxPart(path: string, part: string): string {
  return execFileSync('unzip', ['-p', path, part], { encoding: 'utf8' });
}
/** The cells of the first sheet: A1 → { type, value } (shared strings resolved). */
function sheetCells(path: string): Map<string, { t?: string; s?: string; v: string }> {
  const strings = [...xlsxPart(path, 'xl/sharedStrings.xml').matchAll(/<si>(?:<t[^>]*>([^<]*)<\/t>)<\/si>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  const cells = new Map<string, { t?: string; s?: string; v: string }>();
  for (const m of xlsxPart(path, 'xl/worksheets/sheet1.xml').matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>(?:<v>([^<]*)<\/v>|<is><t[^>]*>([^<]*)<\/t><\/is>)<\/c>)/g)) {
    const attrs = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
    const raw = m[3] ?? m[4] ?? '';
    cells.set(m[1]!, { t: attrs.t, s: attrs.s, v: attrs.t === 's' ? strings[Number(raw)]! : raw });
  }
  return cells;
}

describe('exports people use', () => {
  let sys: TestSystem;
  let klass: Classroom;
  let browser: Browser;
  let teacher: Page;
  let admin: Socket;
  const sessionIds: string[] = [];

  async function save(download: Download): Promise<string> {
    return (await download.path())!;
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    klass = await seatClass(sys, 3);
    await seedDemoAdmin(sys);
    admin = await connectSocket(sys.gatewayUrl, await sys.signIn(DemoAdmin.email, DemoAdmin.password));
    // The course's own zone: every export writes its times in it, whatever the browser's zone.
    await expect(requestOk(admin, ClientEvents.courseUpdate, { courseId: klass.cls.courseId, timeZone: 'America/New_York' })).resolves.toMatchObject({
      timeZone: 'America/New_York',
      excusedPolicy: 'exclude',
    });
    // Two closed sessions: in the first, student 0 present, student 1 excused; in the second, student 0 present, student 1 excused again.
    for (let i = 0; i < 2; i++) {
      const s = await requestOk(klass.teacher, ClientEvents.sessionStart, { courseId: klass.cls.courseId, position: room, radiusM: 50 });
      sessionIds.push(s.sessionId);
      await klass.students[0]!.opened.waitFor((o) => o.sessionId === s.sessionId);
      await expect(klass.students[0]!.checkIn(s.sessionId, offsetNorth(room, 5))).resolves.toMatchObject({ verdict: 'accepted' });
      await requestOk(klass.teacher, ClientEvents.attendanceMark, { sessionId: s.sessionId, targetStudentId: klass.cls.students[1]!.id, status: 'excused', reason: 'Certificat médical' });
      await requestOk(klass.teacher, ClientEvents.sessionStop, { sessionId: s.sessionId });
    }
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR', timezoneId: 'Asia/Tokyo', acceptDownloads: true });
    teacher = await context.newPage();
    await teacher.goto(sys.origin);
    await fillSignIn(teacher, klass.cls.teacher.email, klass.cls.teacher.password);
  });

  afterAll(async () => {
    admin?.close();
    klass?.close();
    await browser?.close();
    await sys?.stop();
  });

  it('exports the whole course: a row per student, a column per session, and a rate that leaves excused sessions out', async () => {
    await teacher.getByRole('button', { name: /^Historique des présences de / }).click();
    const history = teacher.getByTestId('history-sessions');
    await history.locator('tbody tr').nth(1).waitFor({ timeout: 30_000 });
    // Two excused sessions are no rate at all, not 0 % like a no-show.
    const rateOf = (i: number) => teacher.locator(`[data-testid=history-students] tr[data-student="${klass.cls.students[i]!.id}"] [data-testid=rate]`).textContent();
    await expect(rateOf(0)).resolves.toMatch(/^100\s?%$/);
    await expect(rateOf(2)).resolves.toMatch(/^0\s?%$/);
    await expect(rateOf(1)).resolves.not.toMatch(/0\s?%/);
    const snapped = await snapScreen(teacher, 'exports-01-history-fr');
    expect(snapped).toEqual([]);

    const [csvDownload] = await Promise.all([teacher.waitForEvent('download'), teacher.getByRole('button', { name: 'Tout le cours (CSV)' }).click()]);
    expect(csvDownload.suggestedFilename()).toMatch(/^attendance-.+-all-sessions\.csv$/);
    const csv = readFileSync(await save(csvDownload), 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(csv[0]).toMatch(new RegExp(`^Cours,${klass.cls.courseCode} · .+`));
    expect(csv).toContain('Séances,2');
    expect(csv).toContain('Fuseau horaire,America/New_York');
    expect(csv).toContain('Calcul du taux,"(présent + en retard) / séances, séances excusées non comptées"');
    const header = csv.find((l) => l.startsWith('E-mail,'))!.split(',');
    expect(header.slice(0, 2)).toEqual(['E-mail', 'Nom']);
    expect(header.slice(-4)).toEqual(['Présences', 'Excusées', 'Absences', 'Taux de présence']);
    expect(header.slice(2, 4).every((h) => /^\d{4}-\d\d-\d\d \d\d:\d\d$/.test(h))).toBe(true);
    const line = (i: number) => csv.find((l) => l.startsWith(`${klass.cls.students[i]!.email},`))!.split(',');
    expect(line(0).slice(2)).toEqual(['Présent', 'Présent', '2', '0', '0', '100%']);
    expect(line(1).slice(2)).toEqual(['Excusé', 'Excusé', '0', '2', '0', '']);
    expect(line(2).slice(2)).toEqual(['Absent', 'Absent', '0', '0', '2', '0%']);

    const [xlsxDownload] = await Promise.all([teacher.waitForEvent('download'), teacher.getByRole('button', { name: 'Tout le cours (tableur)' }).click()]);
    const cells = sheetCells(await save(xlsxDownload));
    const headerRow = [...cells.entries()].find(([, c]) => c.v === 'E-mail')![0].slice(1);
    // The session columns are headed by real dates (numbers with a date style), the rate is a number.
    expect(cells.get(`C${headerRow}`)).toMatchObject({ v: expect.stringMatching(/^4\d{4}\.\d+$/) });
    expect(cells.get(`C${headerRow}`)!.t).toBeUndefined();
    const rowOf = (i: number) => [...cells.entries()].find(([, c]) => c.v === klass.cls.students[i]!.email)![0].slice(1);
    // A email, B name, C and D the sessions, E attended, F excused, G absent, H the rate.
    expect(cells.get(`E${rowOf(0)}`)).toMatchObject({ v: '2' });
    expect(cells.get(`H${rowOf(0)}`)).toMatchObject({ v: '1' });
    expect(cells.get(`H${rowOf(1)}`)).toBeUndefined();
    expect(cells.get(`C${rowOf(1)}`)).toMatchObject({ v: 'Excusé' });
    // The session columns are headed by the New York wall clock of each start (not Tokyo's).
    const courseHistory = await requestOk(klass.teacher, ClientEvents.historyCourse, { courseId: klass.cls.courseId });
    const oldest = courseHistory.sessions.at(-1)!;
    const serial = Number(cells.get(`C${headerRow}`)!.v);
    const wall = new Date(Date.UTC(1899, 11, 30) + Math.round(serial * 86_400) * 1000);
    const ny = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(oldest.openedAt!));
    expect(wall.toISOString().slice(0, 16).replace('T', ', ')).toBe(ny);
  });

  it('follows the course’s excused policy once an admin changes it: the history, the report and the whole-course export', async () => {
    await requestOk(admin, ClientEvents.courseUpdate, { courseId: klass.cls.courseId, excusedPolicy: 'attended' });
    await teacher.reload();
    await teacher.getByRole('button', { name: /^Historique des présences de / }).click();
    await teacher.locator('[data-testid=history-sessions] tbody tr').nth(1).waitFor({ timeout: 30_000 });
    const rateOf = (i: number) => teacher.locator(`[data-testid=history-students] tr[data-student="${klass.cls.students[i]!.id}"] [data-testid=rate]`).textContent();
    // Two excused sessions now count as attended: 100 %, and the note says why.
    await expect(rateOf(1)).resolves.toMatch(/^100\s?%$/);
    await expect(teacher.getByTestId('history-rate-note').textContent()).resolves.toBe('Les séances excusées comptent comme présences dans le taux.');
    const [csvDownload] = await Promise.all([teacher.waitForEvent('download'), teacher.getByRole('button', { name: 'Tout le cours (CSV)' }).click()]);
    const csv = readFileSync(await save(csvDownload), 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(csv.find((l) => l.startsWith(`${klass.cls.students[1]!.email},`))!.split(',').at(-1)).toBe('100%');
    expect(csv).toContain('Calcul du taux,"(présent + en retard + excusé) / séances, séances excusées comptées comme présences"');
    // A session's report: 1 present, 1 excused, 1 absent → 2 of 3 under `attended`.
    await teacher.locator('[data-testid=history-sessions] tbody tr').first().getByRole('button').first().click();
    await teacher.getByTestId('report').waitFor({ timeout: 30_000 });
    await expect(teacher.getByTestId('report-rate').textContent()).resolves.toMatch(/^Taux de présence : 67\s?% · Les étudiant·es excusé·es comptent comme présent·es dans le taux\.$/);
    await expect(requestOk(klass.teacher, ClientEvents.reportGet, { sessionId: sessionIds[1]! })).resolves.toMatchObject({ rate: 2 / 3, excusedPolicy: 'attended', timeZone: 'America/New_York' });
    expect(await snapScreen(teacher, 'exports-03-report-rate-fr')).toEqual([]);
    // Back to the default for the next test.
    await requestOk(admin, ClientEvents.courseUpdate, { courseId: klass.cls.courseId, excusedPolicy: 'exclude' });
  });

  it('exports a report in French with New York times, a heading and real date cells; the API refuses a bad time zone', async () => {
    await teacher.reload();
    await teacher.getByRole('button', { name: /^Historique des présences de / }).click();
    await teacher.locator('[data-testid=history-sessions] tbody tr').first().waitFor({ timeout: 30_000 });
    await teacher.locator('[data-testid=history-sessions] tbody tr').first().getByRole('button').first().click();
    await teacher.getByTestId('report').waitFor({ timeout: 30_000 });
    const [csvDownload] = await Promise.all([teacher.waitForEvent('download'), teacher.getByRole('button', { name: /^Télécharger le CSV$/ }).click()]);
    const csv = readFileSync(await save(csvDownload), 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(csv[0]).toMatch(/^Cours,/);
    expect(csv.find((l) => l.startsWith('Enseignant·e,'))).toMatch(/^Enseignant·e,\S.+$/);
    expect(csv.find((l) => l.startsWith('E-mail,'))).toMatch(/^E-mail,Nom,Statut,Pointé à,/);
    // The heading names the zone and gives the session's rate (1 present, 1 excused left out, 1 absent: 50 %).
    expect(csv).toContain('Fuseau horaire,America/New_York');
    expect(csv).toContain('Taux de présence de la séance,50%');
    const present = csv.find((l) => l.startsWith(`${klass.cls.students[0]!.email},`))!.split(',');
    expect(present[2]).toBe('Présent');
    // The check-in time as the New York wall clock said it.
    const report = await requestOk(klass.teacher, ClientEvents.reportGet, { sessionId: sessionIds[1]! });
    const at = report.rows.find((r) => r.studentId === klass.cls.students[0]!.id)!.checkedInAt!;
    expect(present[3]).toBe(new Intl.DateTimeFormat('fr-FR', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit' }).format(new Date(at)));

    const [xlsxDownload] = await Promise.all([teacher.waitForEvent('download'), teacher.getByRole('button', { name: 'Télécharger le tableur' }).click()]);
    const cells = sheetCells(await save(xlsxDownload));
    expect(cells.get('A1')).toMatchObject({ v: 'Cours' });
    expect(cells.get('A2')).toMatchObject({ v: 'Date' });
    expect(cells.get('B2')!.v).toMatch(/^4\d{4}$/); // a date cell: the day's serial number
    const rowOf = [...cells.entries()].find(([, c]) => c.v === klass.cls.students[0]!.email)![0].slice(1);
    const serial = Number(cells.get(`D${rowOf}`)!.v);
    const wall = new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000);
    const ny = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(at));
    expect(wall.toISOString().slice(11, 16)).toBe(ny);

    // Scripts keep the machine CSV (no lang); a bad zone is a clear error.
    const token = await sys.signIn(klass.cls.teacher.email, klass.cls.teacher.password);
    const machine = await fetch(`${sys.gatewayUrl}/api/sessions/${sessionIds[1]}/report.csv`, { headers: { authorization: `Bearer ${token}` } });
    expect((await machine.text()).split('\r\n')[0]).toMatch(/^student_id,name,email,status,/);
    const bad = await fetch(`${sys.gatewayUrl}/api/sessions/${sessionIds[1]}/report.csv?lang=fr&tz=Mars/Olympus`, { headers: { authorization: `Bearer ${token}` } });
    expect(bad.status).toBe(400);
    await expect(bad.json()).resolves.toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('not a time zone') } });
    expect(await snapScreen(teacher, 'exports-02-report-fr')).toEqual([]);
  });
});
