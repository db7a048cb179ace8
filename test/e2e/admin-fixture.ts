/** The administrator account of the demo university, seeded into a test system's database. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { TestSystem } from '@classconnect/testing';

const run = promisify(execFile);

export const DemoAdmin = { email: 'admin@demo.classconnect.test', password: 'demo-admin-pass', name: 'Morgan Admin' };

/** Seeds the demo university (one admin, two teachers, 60 students) with the identity CLI. */
export async function seedDemoAdmin(sys: TestSystem): Promise<void> {
  const cli = resolve(import.meta.dirname, '../../dist/apps/identity-service/src/cli.js');
  await run(process.execPath, [cli, 'seed-demo'], { env: { ...process.env, ...sys.env } });
}
