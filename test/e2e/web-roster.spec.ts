/**
 * Rosters and rooms in a real browser (Debian's Chromium through playwright-core) against the five
 * services: an admin adds, edits and deletes rooms; a teacher imports a roster file exported by a
 * French-locale spreadsheet (preview with the summary and the bad lines, then import), in English
 * on a laptop, on a 360 px screen and in French; the teacher starts a session from a room. Every
 * screen is saved to test-artifacts/screenshots/ and checked with axe-core.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { ClientEvents, type Position } from '@classconnect/contracts';
import { StudentClient, connectSocket, launchChromium, offsetNorth, openLaptop, requestOk, signInPage, snapScreen, startTestSystem, type ClassFixture, type TestSystem } from '@classconnect/testing';
import type { Socket } from 'socket.io-client';

const run = promisify(execFile);
const here: Position = { latitude: 43.2965, longitude: 5.3698, accuracy: 10 };

describe('rosters and rooms in the web client', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let browser: Browser;
  let teacherSocket: Socket;

  async function snap(page: Page, screen: string): Promise<void> {
    const serious = await snapScreen(page, screen);
    expect({ screen, serious }).toEqual({ screen, serious: [] });
  }

  beforeAll(async () => {
    sys = await startTestSystem();
    cls = await sys.createClass(2);
    await run(process.execPath, [join(process.cwd(), 'dist/apps/identity-service/src/cli.js'), 'seed-demo'], { env: { ...process.env, ...sys.env } });
    teacherSocket = await connectSocket(sys.gatewayUrl, await sys.signIn(cls.teacher.email, cls.teacher.password));
    browser = await launchChromium();
  });

  afterAll(async () => {
    teacherSocket?.close();
    await browser?.close();
    await sys?.stop();
  });

  it('lets an admin add, change and delete rooms', async () => {
    const admin = await openLaptop(browser, sys.origin, here);
    await signInPage(admin, sys.origin, 'admin@demo.classconnect.test', 'demo-admin-pass');
    await admin.getByRole('tab', { name: 'Rooms' }).click();
    await admin.getByRole('heading', { name: 'Rooms' }).waitFor();
    await admin.getByText('No rooms yet.').waitFor();
    await admin.getByRole('button', { name: 'Add a room' }).click();
    const form = admin.getByRole('form', { name: 'Add a room' });
    await form.getByLabel('Name').fill('Amphi Massiglia');
    await form.getByLabel('Building (optional)').fill('Saint-Charles');
    await form.getByLabel('Latitude').fill('95');
    await form.getByLabel('Longitude').fill('5.3698');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('alert').filter({ hasText: 'The latitude is a number from -90 to 90' }).waitFor();
    await snap(admin, 'rooms-01-form-error');
    // Filled from the device's position instead.
    await form.getByRole('button', { name: 'Use this device’s position' }).click();
    // The browser answers the position request asynchronously: wait for the field to be filled.
    const latitude = form.getByLabel('Latitude');
    for (let i = 0; i < 100 && (await latitude.inputValue()) === '95'; i++) await admin.waitForTimeout(100);
    expect(await latitude.inputValue()).toBe('43.296500');
    await form.getByLabel('Default radius (metres)').fill('40');
    await form.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('status').filter({ hasText: 'Amphi Massiglia saved.' }).waitFor();
    await admin.getByRole('button', { name: 'Add a room' }).click();
    await admin.getByLabel('Name').fill('Salle B12');
    await admin.getByLabel('Latitude').fill('43,3001');
    await admin.getByLabel('Longitude').fill('5.3712');
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('row', { name: /Salle B12/ }).waitFor();
    await snap(admin, 'rooms-02-list');

    await admin.getByRole('button', { name: 'Edit Salle B12' }).click();
    await admin.getByLabel('Default radius (metres)').fill('60');
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('row', { name: /Salle B12.*60 m/ }).waitFor();
    await admin.getByRole('button', { name: 'Delete Salle B12' }).click();
    await admin.getByText('Delete Salle B12? Sessions already open keep their place.').waitFor();
    await snap(admin, 'rooms-03-delete-confirm');
    await admin.getByRole('button', { name: 'Yes, delete' }).click();
    await admin.getByRole('status').filter({ hasText: 'Salle B12 deleted.' }).waitFor();
    const { rooms } = await requestOk(teacherSocket, ClientEvents.roomList, {});
    expect(rooms.map((r) => [r.name, r.building, r.latitude, r.defaultRadiusM])).toEqual([['Amphi Massiglia', 'Saint-Charles', 43.2965, 40]]);
    await admin.context().close();
  });

  it('lets a teacher check a roster file, see its bad lines, and import it', async () => {
    const teacher = await openLaptop(browser, sys.origin, here);
    await signInPage(teacher, sys.origin, cls.teacher.email, cls.teacher.password);
    await teacher.getByRole('heading', { name: 'Your courses' }).waitFor();
    await teacher.getByText('Import a roster').click();
    const file = [
      '\uFEFFE-mail;Nom;Code cours',
      `"lea.martin@univ.example";"Martin; Léa";${cls.courseCode}`,
      `noe.bernard@univ.example;Noé Bernard;${cls.courseCode}`,
      `${cls.students[0]!.email};${cls.students[0]!.name};${cls.courseCode}`,
      `pas-un-email;Quelqu’un;${cls.courseCode}`,
      `sans.nom@univ.example;;${cls.courseCode}`,
      'perdu@univ.example;Perdu;INCONNU-1',
      `noe.bernard@univ.example;Noé Bernard;${cls.courseCode}`,
      '',
      '',
    ].join('\r\n');
    await teacher.getByLabel('Choose a .csv file').setInputFiles({ name: 'liste-etudiants.csv', mimeType: 'text/csv', buffer: Buffer.from(file, 'utf8') });
    await teacher.getByText('liste-etudiants.csv read (8 lines).').waitFor();
    await teacher.getByRole('button', { name: 'Check the file' }).click();
    const preview = teacher.getByTestId('roster-preview');
    await preview.getByText('Importing this file will create 2 student accounts and enroll 2 students.', { exact: false }).waitFor();
    expect(await preview.getByTestId('roster-created').locator('dd').textContent()).toBe('2');
    expect(await preview.getByTestId('roster-already').locator('dd').textContent()).toBe('1');
    expect(await preview.getByTestId('roster-errors').locator('dd').textContent()).toBe('4');
    await preview.getByRole('row', { name: /^5 bad email/ }).waitFor();
    await preview.getByRole('row', { name: /^8 duplicate The same student and course are already on line 3\./ }).waitFor();
    await snap(teacher, 'roster-01-preview');
    expect((await requestOk(teacherSocket, ClientEvents.courseRoster, { courseId: cls.courseId })).students).toHaveLength(2);

    await teacher.setViewportSize({ width: 360, height: 760 });
    await snap(teacher, 'roster-02-preview-360px');
    await teacher.setViewportSize({ width: 1280, height: 800 });

    await teacher.getByRole('button', { name: 'Import', exact: true }).click();
    const result = teacher.getByTestId('roster-result');
    await result.getByText('Imported. Created 2 student accounts and enrolled 2 students.', { exact: false }).waitFor();
    await result.getByText('New students sign in with the university’s single sign-on', { exact: false }).waitFor();
    await snap(teacher, 'roster-03-imported');
    const students = (await requestOk(teacherSocket, ClientEvents.courseRoster, { courseId: cls.courseId })).students;
    expect(students.map((s) => s.name)).toEqual(expect.arrayContaining(['Martin; Léa', 'Noé Bernard']));
    expect(students).toHaveLength(4);

    // The same file again: nothing to import.
    await teacher.getByRole('button', { name: 'Import another file' }).click();
    await teacher.getByLabel('Choose a .csv file').setInputFiles({ name: 'liste-etudiants.csv', mimeType: 'text/csv', buffer: Buffer.from(file, 'utf8') });
    await teacher.getByRole('button', { name: 'Check the file' }).click();
    await teacher.getByTestId('roster-preview').getByText('Nothing to change: 3 students are already enrolled.', { exact: false }).waitFor();
    expect(await teacher.getByRole('button', { name: 'Nothing to import' }).isDisabled()).toBe(true);
    await teacher.context().close();
  });

  it('shows the import in French', async () => {
    const teacher = await openLaptop(browser, sys.origin, here, 'fr-FR');
    await signInPage(teacher, sys.origin, cls.teacher.email, cls.teacher.password);
    await teacher.getByText('Importer une liste', { exact: true }).click();
    await teacher.getByLabel('ou collez le contenu du fichier ici').fill(`email;nom;groupe\nzoe.petit@univ.example;Zoé Petit;TD1\nmauvais;X;TD2\n`);
    await teacher.getByRole('button', { name: 'Vérifier le fichier' }).click();
    // A column the import does not read is said, not silently dropped.
    await teacher.getByTestId('roster-ignored-columns').getByText('Non utilisé dans ce fichier : “groupe”.', { exact: false }).waitFor();
    await teacher.getByTestId('roster-preview').getByRole('row', { name: '3 e-mail invalide « mauvais » n’est pas une adresse e-mail.' }).waitFor();
    await snap(teacher, 'roster-04-preview-fr');
    await teacher.context().close();
  });

  it('lets a teacher start a session from a room (no device position needed)', async () => {
    const teacher = await openLaptop(browser, sys.origin, here);
    await signInPage(teacher, sys.origin, cls.teacher.email, cls.teacher.password);
    const where = teacher.getByLabel('Where is the class?');
    await where.waitFor();
    await where.selectOption({ label: 'Amphi Massiglia (Saint-Charles) · 40 m' });
    expect(await teacher.getByLabel(/radius/i).first().inputValue()).toBe('40');
    await snap(teacher, 'room-01-start-form');
    // Without geolocation permission the room still works: the device's position is not asked for.
    await teacher.context().clearPermissions();
    await teacher.getByRole('button', { name: /^Start attendance for / }).click();
    await teacher.getByText('Attendance is open').waitFor();
    await teacher.getByText(/area 40 m · Amphi Massiglia · QR code off$/).waitFor();
    const { sessions } = await requestOk(teacherSocket, ClientEvents.sessionsActive, {});
    expect(sessions).toEqual([expect.objectContaining({ radiusM: 40, room: expect.objectContaining({ name: 'Amphi Massiglia' }) })]);
    await snap(teacher, 'room-02-live');

    // A student enrolled while the session is open checks in: the live roster shows them by name.
    const other = await sys.createClass(1);
    const late = await StudentClient.connect(sys.gatewayUrl, sys.origin, await sys.signIn(other.students[0]!.email, other.students[0]!.password));
    try {
      await late.registerPasskey();
      await requestOk(teacherSocket, ClientEvents.enrollmentAdd, { courseId: cls.courseId, email: other.students[0]!.email });
      const opened = await late.opened.waitFor((s) => s.courseId === cls.courseId);
      await expect(late.checkIn(opened.sessionId, offsetNorth(here, 10))).resolves.toMatchObject({ verdict: 'accepted' });
      // (Test classes reuse names: the row must be the present one, with the name, not '—'.)
      await teacher.locator('.roster-row').filter({ hasText: other.students[0]!.name }).filter({ hasText: 'Present' }).waitFor();
      await teacher.getByRole('heading', { name: 'Students (5)' }).waitFor();
      await teacher.getByTestId('count-present').locator('.tile-value').filter({ hasText: '1' }).waitFor();
      await snap(teacher, 'room-03-live-latecomer');
    } finally {
      late.close();
    }
    await teacher.context().close();
  });
});
