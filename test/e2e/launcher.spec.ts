/**
 * The launcher (`npm start`) brings the whole system up and a demo teacher can sign in.
 * --smoke makes it stop by itself once that check is done.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

describe('the launcher', () => {
  it('starts every service, seeds the demo university and lets a demo teacher sign in', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'classconnect-launch-'));
    const db = `classconnect_launch_${process.pid}`;
    const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    base.pathname = `/${db}`;
    const child = spawn(process.execPath, ['scripts/launch.mjs', '--smoke'], {
      env: { ...process.env, CLASSCONNECT_DATA_DIR: dataDir, DATABASE_URL: base.toString(), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    expect({ code, out, err }).toMatchObject({ code: 0 });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ smoke: 'ok', status: 200, user: 'ada.teacher@demo.classconnect.test' });
    expect(err).toContain('starting the services');
  });
});
