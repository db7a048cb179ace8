/**
 * Light and locked down on a phone: the gateway sends a strict Content-Security-Policy (no inline
 * script), no framing, no referrer and powerful features for its own origin only; assets go out
 * precompressed; source maps are not public; a student's phone loads neither the teacher's nor the
 * administrator's code. The other web specs run every screen under the same policy (snapScreen fails
 * on anything it refuses); this one shows the policy is really enforced, and prints what a student's
 * phone downloads.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Request as PwRequest } from 'playwright-core';
import type { Position } from '@classconnect/contracts';
import { cspViolations, launchChromium, openLaptop, openPhone, signInPage, startTestSystem, type Phone, type TestSystem } from '@classconnect/testing';

const here: Position = { latitude: 45.7578, longitude: 4.832, accuracy: 10 };

describe('the web client, light and locked down', () => {
  let sys: TestSystem;
  let browser: Browser;
  let phone: Phone;
  const studentScripts: { url: string; encoding: string | undefined; bytes: number }[] = [];

  beforeAll(async () => {
    sys = await startTestSystem();
    browser = await launchChromium();
    const cls = await sys.createClass(1);
    phone = await openPhone(browser, sys.origin, 'student', here);
    const finished: Promise<void>[] = [];
    phone.page.on('requestfinished', (req: PwRequest) => {
      if (req.resourceType() !== 'script') return;
      finished.push(
        (async () => {
          const [sizes, response] = await Promise.all([req.sizes(), req.response()]);
          studentScripts.push({ url: new URL(req.url()).pathname, encoding: (await response?.allHeaders())?.['content-encoding'], bytes: sizes.responseBodySize });
        })(),
      );
    });
    await signInPage(phone.page, sys.origin, cls.students[0]!.email, cls.students[0]!.password);
    await Promise.all(finished);
  });

  afterAll(async () => {
    await phone?.context.close();
    await browser?.close();
    await sys?.stop();
  });

  it('sends the security headers on the page, on assets and on the API', async () => {
    const html = await fetch(`${sys.origin}/`);
    const asset = studentScripts[0]!.url;
    for (const res of [html, await fetch(`${sys.origin}${asset}`), await fetch(`${sys.origin}/health/live`)]) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('permissions-policy')).toContain('geolocation=(self)');
      expect(res.headers.get('permissions-policy')).toContain('publickey-credentials-get=(self)');
    }
  });

  it('enforces the policy: an inline script does not run, and the refusal is seen', async () => {
    const page = phone.page;
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.append(s);
    });
    expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
    expect((await cspViolations(page)).join(' ')).toMatch(/script-src/);
    await page.evaluate(() => ((window as unknown as { __cspViolations: string[] }).__cspViolations.length = 0));
  });

  it('serves scripts precompressed, and no source map on the public path', async () => {
    expect(studentScripts.length).toBeGreaterThan(0);
    for (const s of studentScripts) expect(s.encoding).toBe('br');
    const plain = await fetch(`${sys.origin}${studentScripts[0]!.url}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const body = await plain.text();
    expect(body).not.toContain('sourceMappingURL');
    expect((await fetch(`${sys.origin}${studentScripts[0]!.url}.map`)).status).toBe(404);
  });

  it('loads neither the teacher’s nor the administrator’s code or words on a student’s phone, only its own language, and says how much it loads', async () => {
    const names = studentScripts.map((s) => s.url);
    expect(names.some((n) => /\/assets\/(teacher|admin-home|roster-import)-/.test(n))).toBe(false);
    // Words: the first page's tables in the phone's language, nothing of the other screens or the other language.
    expect(names.filter((n) => n.includes('/assets/locale-')).map((n) => /locale-(\w+-\w+)-/.exec(n)![1]).sort()).toEqual(['en-checkin', 'en-common', 'en-errors']);
    const total = studentScripts.reduce((sum, s) => sum + s.bytes, 0);
    process.stderr.write(`[web-lockdown] a student's phone downloads ${studentScripts.length} script(s), ${(total / 1024).toFixed(1)} KB brotli: ${names.join(', ')}\n`);
    expect(total).toBeGreaterThan(0);
  });

  it('still runs the teacher’s screens (fetched on demand) under the policy', async () => {
    const teacherPage = await openLaptop(browser, sys.origin, here);
    const cls = await sys.createClass(1);
    const loaded: string[] = [];
    teacherPage.on('request', (r) => r.resourceType() === 'script' && loaded.push(new URL(r.url()).pathname));
    await signInPage(teacherPage, sys.origin, cls.teacher.email, cls.teacher.password);
    await teacherPage.getByRole('button', { name: /start/i }).first().waitFor();
    expect(loaded.some((n) => /\/assets\/teacher-/.test(n))).toBe(true);
    for (const table of ['roster', 'reports', 'courses']) expect(loaded.some((n) => n.includes(`/assets/locale-en-${table}-`))).toBe(true);
    expect(loaded.some((n) => /\/assets\/(admin-home|locale-en-admin|locale-fr)-/.test(n))).toBe(false);
    expect(await cspViolations(teacherPage)).toEqual([]);
    await teacherPage.context().close();
  });

  it('gives a French phone the French words only, and still no teacher’s or administrator’s code', async () => {
    const cls = await sys.createClass(1);
    const french = await openPhone(browser, sys.origin, 'etudiant', here, 'fr-FR');
    const loaded: string[] = [];
    french.page.on('request', (r) => r.resourceType() === 'script' && loaded.push(new URL(r.url()).pathname));
    await signInPage(french.page, sys.origin, cls.students[0]!.email, cls.students[0]!.password);
    await french.page.waitForLoadState('networkidle');
    expect(loaded.some((n) => /\/assets\/(teacher|admin-home|roster-import|locale-en)-/.test(n))).toBe(false);
    expect(loaded.filter((n) => n.includes('/assets/locale-')).map((n) => /locale-(\w+-\w+)-/.exec(n)![1]).sort()).toEqual(['fr-checkin', 'fr-common', 'fr-errors']);
    expect(await cspViolations(french.page)).toEqual([]);
    await french.context.close();
  });
});
