/**
 * The console's Webhooks tab in a real browser: an admin registers an endpoint on a local receiver,
 * reads its secret once, sends a test event (the receiver verifies its signature from the Standard
 * Webhooks spec), reads the delivery log and turns the endpoint off. Screens are saved to
 * test-artifacts/screenshots/ and checked with axe-core.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { WebhookTestEventType } from '@classconnect/contracts';
import { launchChromium, openLaptop, signInPage, snapScreen, startTestSystem, type TestSystem } from '@classconnect/testing';
import { DemoAdmin, seedDemoAdmin } from './admin-fixture.js';
import { WebhookReceiver, verifyStandardWebhook } from '../support/webhook-receiver.js';

describe('the Webhooks tab of the admin console', () => {
  let sys: TestSystem;
  let browser: Browser;
  let admin: Page;
  const receiver = new WebhookReceiver();

  async function snap(screen: string): Promise<void> {
    const serious = await snapScreen(admin, screen);
    expect({ screen, serious }).toEqual({ screen, serious: [] });
  }

  beforeAll(async () => {
    await receiver.start();
    sys = await startTestSystem({ env: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', WEBHOOK_RETRY_SCHEDULE: '0,500,500' } });
    await seedDemoAdmin(sys);
    browser = await launchChromium();
    admin = await openLaptop(browser, sys.origin, { latitude: 52.2053, longitude: 0.1218, accuracy: 8 });
    await signInPage(admin, sys.origin, DemoAdmin.email, DemoAdmin.password);
  });

  afterAll(async () => {
    await browser?.close();
    await sys?.stop();
    await receiver.stop();
  });

  it('registers an endpoint, shows its secret once, sends a signed test event and shows the log', async () => {
    receiver.script('/lms', () => ({ status: 202 }));
    await admin.getByRole('tab', { name: 'Webhooks' }).click();
    await admin.getByText('No endpoint yet.').waitFor();
    await admin.getByRole('button', { name: 'Add an endpoint' }).click();
    await admin.getByLabel('Address (https://…)').fill(`${receiver.url}/lms`);
    await admin.getByLabel('Description (optional)').fill('Gradebook sync');
    await snap('admin-webhooks-add');
    await admin.getByRole('button', { name: 'Register' }).click();
    const secret = (await admin.getByTestId('webhook-secret').textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    await snap('admin-webhooks-secret');
    await admin.getByRole('button', { name: 'Done' }).click();
    await expect(admin.getByTestId('webhook-secret').count()).resolves.toBe(0);

    await admin.getByRole('button', { name: 'Send a test event' }).click();
    await admin.getByText(/The test event was accepted \(202, \d+ ms\)\./).waitFor();
    const [call] = await receiver.waitFor('/lms', 1);
    expect(verifyStandardWebhook(call!, [secret])).toEqual([secret]);
    expect(JSON.parse(call!.body).type).toBe(WebhookTestEventType);

    await admin.getByRole('button', { name: 'Delivery log' }).click();
    const log = admin.getByRole('region', { name: `Delivery log: ${receiver.url}/lms` });
    await log.getByText('webhook.test.v1').waitFor();
    await expect(log.getByText('HTTP 202').count()).resolves.toBe(1);
    await snap('admin-webhooks-log');

    await admin.getByRole('button', { name: 'Turn off' }).click();
    await admin.getByRole('button', { name: 'Turn on' }).waitFor();
    await admin.getByText('Off', { exact: true }).waitFor();
  });
});
