/**
 * Ending sign-ins ends sockets at once, on every gateway instance: sign-out of one sign-in, sign-out
 * everywhere, and an administrator disabling an account. A second gateway process runs beside the
 * first, both following the revocations on the DIRECTORY stream.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { ClientEvents, ErrorCode, ServerEvents, type ServerPayloads, type SignInReply } from '@classconnect/contracts';
import * as services from '@classconnect/runtime';
import { freePort } from '@classconnect/runtime';
import { connectSocket, handshakeError, request, requestOk, startTestSystem, type ClassFixture, type TestSystem } from '@classconnect/testing';
import { createAdmin, eventually, post, signInHttp } from './support/auth-http.js';

type Revoked = ServerPayloads[typeof ServerEvents.authRevoked];

/**
 * The token with its signature's first character changed. (Changing the last one can leave the
 * signature's bytes as they were: that character carries padding bits a decoder may ignore.)
 */
function withBadSignature(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  return `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
}

/** A connected socket that records how it ends: the auth:revoked push and the disconnect reason. */
interface Watched {
  socket: Socket;
  revoked: Promise<Revoked>;
  disconnected: Promise<string>;
  isConnected(): boolean;
}

async function watch(url: string, token: string): Promise<Watched> {
  const socket = await connectSocket(url, token);
  const revoked = new Promise<Revoked>((resolve) => socket.once(ServerEvents.authRevoked, resolve));
  const disconnected = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(String(reason))));
  return { socket, revoked, disconnected, isConnected: () => socket.connected };
}


describe('socket revocation', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let secondGateway: { child: unknown; ready: Promise<void> };
  let secondUrl: string;
  const open: Socket[] = [];
  const track = (w: Watched) => (open.push(w.socket), w);

  beforeAll(async () => {
    sys = await startTestSystem();
    cls = await sys.createClass(2);
    const port = await freePort();
    secondUrl = `http://127.0.0.1:${port}`;
    secondGateway = services.startService('gateway', { ...sys.env, GATEWAY_PORT: String(port) }, { logDir: join(sys.logDir, 'second-gateway') });
    await secondGateway.ready;
  });

  afterAll(async () => {
    open.forEach((s) => s.close());
    if (secondGateway) await services.stopService(secondGateway as never);
    await sys?.stop();
  });

  it('sign-out ends this sign-in’s socket at once with the reason, on another gateway too, and nothing else', async () => {
    const [a, b] = cls.students as [ClassFixture['students'][number], ClassFixture['students'][number]];
    const first = (await signInHttp(sys, a.email, a.password)).body as SignInReply;
    const second = (await signInHttp(sys, a.email, a.password)).body as SignInReply;
    const firstOnGateway1 = track(await watch(sys.gatewayUrl, first.accessToken));
    const firstOnGateway2 = track(await watch(secondUrl, first.accessToken));
    const secondSocket = track(await watch(sys.gatewayUrl, second.accessToken));
    const other = track(await watch(secondUrl, await sys.signIn(b.email, b.password)));

    const out = await post(sys, '/api/auth/sign-out', {}, first.accessToken);
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ revoked: 1 });

    for (const s of [firstOnGateway1, firstOnGateway2]) {
      await expect(s.revoked).resolves.toEqual({ reason: 'signed-out', message: expect.stringMatching(/signed out/i) });
      await expect(s.disconnected).resolves.toBe('io server disconnect');
    }
    // The user's other sign-in and another user carry on.
    expect((await request(secondSocket.socket, ClientEvents.whoami, {})).ok).toBe(true);
    expect((await request(other.socket, ClientEvents.whoami, {})).ok).toBe(true);
    // The signed-out access token has not expired, yet both gateways refuse it.
    expect(await handshakeError(sys.gatewayUrl, first.accessToken)).toBe(ErrorCode.SIGN_IN_REVOKED);
    expect(await handshakeError(secondUrl, first.accessToken)).toBe(ErrorCode.SIGN_IN_REVOKED);
    const http = await fetch(`${sys.gatewayUrl}/api/sessions/00000000-0000-4000-8000-000000000000/report`, { headers: { authorization: `Bearer ${first.accessToken}` } });
    expect(((await http.json()) as { error: { code: string } }).error.code).toBe(ErrorCode.SIGN_IN_REVOKED);
    // Its refresh token is over too; signing out again changes nothing.
    expect((await post(sys, '/api/auth/refresh', { refreshToken: first.refreshToken })).body.error.code).toBe(ErrorCode.REFRESH_TOKEN_INVALID);
    expect((await post(sys, '/api/auth/sign-out', {}, withBadSignature(second.accessToken))).status).toBe(401);
  });

  it('sign-out everywhere ends every socket of the user, on both gateways', async () => {
    const [a, b] = cls.students as [ClassFixture['students'][number], ClassFixture['students'][number]];
    const one = (await signInHttp(sys, a.email, a.password)).body as SignInReply;
    const two = (await signInHttp(sys, a.email, a.password)).body as SignInReply;
    const s1 = track(await watch(sys.gatewayUrl, one.accessToken));
    const s2 = track(await watch(secondUrl, two.accessToken));
    const other = track(await watch(sys.gatewayUrl, await sys.signIn(b.email, b.password)));

    const out = await post(sys, '/api/auth/sign-out', { everywhere: true }, one.accessToken);
    expect(out.status).toBe(200);
    expect(out.body.revoked).toBeGreaterThanOrEqual(2);
    for (const s of [s1, s2]) {
      await expect(s.revoked).resolves.toMatchObject({ reason: 'signed-out-everywhere' });
      await expect(s.disconnected).resolves.toBe('io server disconnect');
    }
    expect(await handshakeError(secondUrl, two.accessToken)).toBe(ErrorCode.SIGN_IN_REVOKED);
    expect((await post(sys, '/api/auth/refresh', { refreshToken: two.refreshToken })).body.error.code).toBe(ErrorCode.REFRESH_TOKEN_INVALID);
    expect((await request(other.socket, ClientEvents.whoami, {})).ok).toBe(true);
    // A new sign-in afterwards works.
    const again = (await signInHttp(sys, a.email, a.password)).body as SignInReply;
    await eventually(async () => (await handshakeError(sys.gatewayUrl, again.accessToken)) === undefined, 'a fresh sign-in connects');
    expect(await post(sys, '/api/auth/sign-out', { everywhere: 'yes' }, again.accessToken)).toMatchObject({ status: 400 });
  });

  it('an administrator disabling a student ends their sockets at once and refuses sign-in and refresh until enabled again', async () => {
    const [, b] = cls.students as [ClassFixture['students'][number], ClassFixture['students'][number]];
    const admin = await createAdmin(sys);
    const adminSocket = track(await watch(sys.gatewayUrl, await sys.signIn(admin.email, admin.password)));
    const signedIn = (await signInHttp(sys, b.email, b.password)).body as SignInReply;
    const s1 = track(await watch(sys.gatewayUrl, signedIn.accessToken));
    const s2 = track(await watch(secondUrl, signedIn.accessToken));

    expect(await requestOk(adminSocket.socket, ClientEvents.userSetDisabled, { targetUserId: b.id, disabled: true })).toMatchObject({ changed: true });
    for (const s of [s1, s2]) {
      await expect(s.revoked).resolves.toEqual({ reason: 'account-disabled', message: expect.stringMatching(/disabled/i) });
      await expect(s.disconnected).resolves.toBe('io server disconnect');
    }
    expect(adminSocket.isConnected()).toBe(true);
    expect(await handshakeError(sys.gatewayUrl, signedIn.accessToken)).toBe(ErrorCode.SIGN_IN_REVOKED);
    expect((await signInHttp(sys, b.email, b.password)).body.error.code).toBe(ErrorCode.INVALID_CREDENTIALS);
    expect((await post(sys, '/api/auth/refresh', { refreshToken: signedIn.refreshToken })).body.error.code).toBe(ErrorCode.REFRESH_TOKEN_INVALID);

    expect(await requestOk(adminSocket.socket, ClientEvents.userSetDisabled, { targetUserId: b.id, disabled: false })).toMatchObject({ disabled: false, changed: true });
    const back = (await signInHttp(sys, b.email, b.password)).body as SignInReply;
    expect(back.user.id).toBe(b.id);
    await eventually(async () => (await handshakeError(secondUrl, back.accessToken)) === undefined, 'the enabled account connects again');
    // An administrator cannot lock themselves out.
    expect(await request(adminSocket.socket, ClientEvents.userSetDisabled, { targetUserId: admin.id, disabled: true })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
  });
});
