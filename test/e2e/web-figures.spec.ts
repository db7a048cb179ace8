/**
 * The figures the lecture-hall issue asks for, measured in a real browser (Chromium) against the
 * five services: Start → the student's prompt appears, tap → the result shows, Stop → the report
 * shows, and the time the live roster takes to draw 1,000 rows. Each is measured in the pages
 * themselves (a click listener and a MutationObserver stamping Date.now(), one clock for every page
 * on this machine), printed, and written to test-artifacts/figures.json. The spec asserts what the
 * people see (the prompt, an accepted result, the report, 1,000 rows), never the timings: those are
 * figures to read, on a machine shared with other work.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import type { Position } from '@classconnect/contracts';
import { launchChromium, offsetNorth, openLaptop, openPhone, signInPage, startTestSystem, type Phone, type TestSystem } from '@classconnect/testing';

const room: Position = { latitude: 47.2184, longitude: -1.5536, accuracy: 10 };

type Marks = Record<string, number>;
declare global {
  interface Window {
    __figures?: Marks;
  }
}

/** Stamps `key` with Date.now() on the first click on (or inside) an element matching `selector`. */
async function stampClick(page: Page, selector: string, key: string): Promise<void> {
  await page.evaluate(
    ([sel, k]) => {
      const marks = (window.__figures ??= {});
      delete marks[k];
      document.addEventListener(
        'click',
        (e) => {
          if (marks[k] === undefined && (e.target as Element | null)?.closest(sel)) marks[k] = Date.now();
        },
        { capture: true },
      );
    },
    [selector, key] as const,
  );
}

/** Stamps `key` with Date.now() in the frame after `count` elements match `selector` (1 by default). */
async function stampAppear(page: Page, selector: string, key: string, count = 1): Promise<void> {
  await page.evaluate(
    ([sel, k, n]) => {
      const marks = (window.__figures ??= {});
      delete marks[k];
      const check = () => {
        if (marks[k] !== undefined || document.querySelectorAll(sel).length < n) return;
        observer.disconnect();
        // Stamped in the next animation frame: when the browser is about to paint it.
        requestAnimationFrame(() => (marks[k] = Date.now()));
      };
      const observer = new MutationObserver(check);
      observer.observe(document.body, { childList: true, subtree: true, attributes: true });
      check();
    },
    [selector, key, count] as const,
  );
}

async function mark(page: Page, key: string): Promise<number> {
  await page.waitForFunction((k) => window.__figures?.[k] !== undefined, key, { timeout: 60_000 });
  return page.evaluate((k) => window.__figures![k]!, key);
}

describe('browser figures for the lecture hall', () => {
  let sys: TestSystem;
  let browser: Browser;
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    sys = await startTestSystem();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
    if (Object.keys(figures).length > 0) {
      const dir = join(process.cwd(), 'test-artifacts');
      mkdirSync(dir, { recursive: true });
      const out = { measuredAt: new Date().toISOString(), browser: 'Chromium (playwright-core)', unit: 'ms', ...figures };
      writeFileSync(join(dir, 'figures.json'), `${JSON.stringify(out, null, 2)}\n`);
      console.log(`browser figures (ms): ${JSON.stringify(figures)}`);
    }
  });

  it('Start → the student’s prompt, tap → the result, Stop → the report', async () => {
    const cls = await sys.createClass(3);
    const phone: Phone = await openPhone(browser, sys.origin, 'figures', offsetNorth(room, 10));
    await signInPage(phone.page, sys.origin, cls.students[0]!.email, cls.students[0]!.password);
    await phone.page.getByRole('button', { name: 'Set up my passkey' }).click();
    await phone.page.getByText('No class is taking attendance').waitFor();
    const teacher = await openLaptop(browser, sys.origin, room);
    await signInPage(teacher, sys.origin, cls.teacher.email, cls.teacher.password);
    const start = teacher.getByRole('button', { name: /^Start attendance for / });
    await start.waitFor();

    await stampClick(teacher, 'button[aria-label^="Start attendance for "]', 'start');
    await stampAppear(phone.page, '[data-testid=checkin-card]', 'prompt');
    await start.click();
    await phone.page.getByTestId('checkin-card').waitFor();
    figures.startToPromptMs = (await mark(phone.page, 'prompt')) - (await mark(teacher, 'start'));

    await stampClick(phone.page, 'button[aria-label^="Check in to "]', 'tap');
    await stampAppear(phone.page, '[data-testid=checkin-result][data-verdict=accepted]', 'result');
    await phone.page.getByRole('button', { name: /^Check in to / }).click();
    await phone.page.getByTestId('checkin-result').waitFor();
    await expect(phone.page.getByTestId('checkin-result').getAttribute('data-verdict')).resolves.toBe('accepted');
    figures.tapToResultMs = (await mark(phone.page, 'result')) - (await mark(phone.page, 'tap'));

    await teacher.getByTestId('count-present').locator('.tile-value').filter({ hasText: /^1$/ }).waitFor();
    await teacher.getByRole('button', { name: 'Stop and get the report' }).click();
    const yes = teacher.getByTestId('stop-confirm').getByRole('button', { name: 'Yes, stop' });
    await yes.waitFor();
    await stampClick(teacher, '[data-testid=stop-confirm] .button-stop', 'stop');
    await stampAppear(teacher, '[data-testid=report] tbody tr', 'report');
    await yes.click();
    await teacher.getByTestId('report').waitFor({ timeout: 30_000 });
    await teacher.locator(`[data-testid=report] tr[data-student="${cls.students[0]!.id}"].status-present`).waitFor();
    figures.stopToReportMs = (await mark(teacher, 'report')) - (await mark(teacher, 'stop'));
    await phone.context.close();
    await teacher.context().close();
  });

  it('the live roster of a 1,000-student course: Start → 1,000 rows drawn, and a filter back to all 1,000', async () => {
    const big = await sys.createClass(1000);
    const teacher = await openLaptop(browser, sys.origin, room);
    await signInPage(teacher, sys.origin, big.teacher.email, big.teacher.password);
    const start = teacher.getByRole('button', { name: /^Start attendance for / });
    await start.waitFor();
    await stampClick(teacher, 'button[aria-label^="Start attendance for "]', 'start');
    await stampAppear(teacher, '[data-testid=roster] > li', 'rows', 1000);
    await start.click();
    await teacher.getByRole('heading', { name: 'Students (1000)' }).waitFor({ timeout: 60_000 });
    await expect(teacher.locator('[data-testid=roster] > li').count()).resolves.toBe(1000);
    figures.roster1000StartToRowsMs = (await mark(teacher, 'rows')) - (await mark(teacher, 'start'));

    // A filter that shows nobody, then All: the whole list of 1,000 drawn again.
    await teacher.getByTestId('count-rejected').click();
    await teacher.getByTestId('roster-shown').filter({ hasText: 'No student matches.' }).waitFor();
    await stampClick(teacher, '[data-testid=count-all]', 'all');
    await stampAppear(teacher, '[data-testid=roster] > li', 'redrawn', 1000);
    await teacher.getByTestId('count-all').click();
    await expect(teacher.locator('[data-testid=roster] > li').count()).resolves.toBe(1000);
    figures.roster1000FilterToAllMs = (await mark(teacher, 'redrawn')) - (await mark(teacher, 'all'));
    await teacher.context().close();
  }, 240_000);
});
