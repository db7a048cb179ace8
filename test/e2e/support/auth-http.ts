/** HTTP helpers for the sign-in specs: the API as the web client calls it, and an administrator made directly in the database. */
import { randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import pg from 'pg';
import type { TestSystem } from '@classconnect/testing';

export interface HttpReply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function post<T = any>(sys: TestSystem, path: string, body: unknown, token?: string): Promise<HttpReply<T>> {
  const res = await fetch(`${sys.gatewayUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

export function signInHttp(sys: TestSystem, email: string, password: string) {
  return post(sys, '/api/auth/sign-in', { email, password });
}

/** The payload of a JWT, unchecked (the test only reads its claims). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

/** An administrator, inserted as the provisioning tools would. */
export async function createAdmin(sys: TestSystem): Promise<{ id: string; email: string; password: string }> {
  const email = `admin-${randomUUID().slice(0, 8)}@uni.test`;
  const password = `admin-pass-${randomUUID()}`;
  const hash = await argon2.hash(password, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  const client = new pg.Client({ connectionString: sys.env.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO identity.users (email, name, role, password_hash) VALUES ($1, 'Test Admin', 'admin', $2) RETURNING id`,
      [email, hash],
    );
    return { id: rows[0]!.id, email, password };
  } finally {
    await client.end();
  }
}

/** Polls `probe` until it returns true (the system reacts asynchronously, e.g. a gateway following the stream). */
export async function eventually(probe: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
