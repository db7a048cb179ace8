/**
 * Signing in through the real system: throttling of failed passwords (the same answer for an
 * unknown email), refresh-token rotation and the detection of a reused token, passkey sign-in with
 * the credential used for check-ins, and a disabled account.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientEvents, ErrorCode, type SignInReply } from '@classconnect/contracts';
import { SoftAuthenticator, StudentClient, connectSocket, request, requestOk, startTestSystem, type ClassFixture, type TestSystem } from '@classconnect/testing';
import { claimsOf, createAdmin, eventually, post, signInHttp } from './support/auth-http.js';

describe('sign-in security', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  const student = (i: number) => cls.students[i]!;

  beforeAll(async () => {
    sys = await startTestSystem();
    cls = await sys.createClass(6);
  });

  afterAll(async () => {
    await sys?.stop();
  });

  it('throttles the 6th failed attempt alike for an existing and an unknown email, and says when to retry', async () => {
    const known = student(0).email;
    const unknown = `nobody-${randomUUID().slice(0, 8)}@uni.test`;
    for (let i = 0; i < 5; i++) {
      for (const email of [known, unknown]) {
        const reply = await signInHttp(sys, email, 'not-the-password');
        expect(reply.status).toBe(401);
        expect(reply.body.error.code).toBe(ErrorCode.INVALID_CREDENTIALS);
      }
    }
    const sixthKnown = await signInHttp(sys, known, 'not-the-password');
    const sixthUnknown = await signInHttp(sys, unknown, 'not-the-password');
    for (const reply of [sixthKnown, sixthUnknown]) {
      expect(reply.status).toBe(429);
      expect(reply.body.error.code).toBe(ErrorCode.SIGN_IN_THROTTLED);
      expect(reply.body.error.retryAfterSeconds).toBeGreaterThan(0);
      expect(reply.body.error.retryAfterSeconds).toBeLessThanOrEqual(900);
      expect(Number(reply.headers.get('retry-after'))).toBe(reply.body.error.retryAfterSeconds);
    }
    // Nothing tells the two apart: same status, code and sentence.
    expect(sixthKnown.body.error.message).toBe(sixthUnknown.body.error.message);
    expect(sixthKnown.body.error.message).toMatch(/wait/i);
    expect(sixthKnown.body.error.message).not.toMatch(/exist|unknown|found/i);
    // While throttled, even the right password is refused; another student is not affected.
    expect((await signInHttp(sys, known, student(0).password)).body.error.code).toBe(ErrorCode.SIGN_IN_THROTTLED);
    expect((await signInHttp(sys, student(1).email, student(1).password)).status).toBe(200);
  });

  it('forgets an email’s failures after a successful sign-in', async () => {
    const { email, password } = student(2);
    for (let i = 0; i < 4; i++) expect((await signInHttp(sys, email, 'wrong')).body.error.code).toBe(ErrorCode.INVALID_CREDENTIALS);
    expect((await signInHttp(sys, email, password)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await signInHttp(sys, email, 'wrong')).body.error.code).toBe(ErrorCode.INVALID_CREDENTIALS);
    expect((await signInHttp(sys, email, password)).status).toBe(200);
  });

  it('rotates refresh tokens, and ends the whole sign-in when a spent one comes back', async () => {
    const first = (await signInHttp(sys, student(3).email, student(3).password)).body as SignInReply;
    expect(first.refreshToken).toEqual(expect.any(String));
    expect(Date.parse(first.refreshExpiresAt!) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(claimsOf(first.accessToken).sid).toBe(first.signInId);

    const second = await post<SignInReply>(sys, '/api/auth/refresh', { refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect(second.body.signInId).toBe(first.signInId);
    expect(second.body.user.id).toBe(student(3).id);
    (await connectSocket(sys.gatewayUrl, second.body.accessToken)).close();

    // The first token was spent: presenting it again looks like theft, so the family ends.
    const reused = await post(sys, '/api/auth/refresh', { refreshToken: first.refreshToken });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe(ErrorCode.REFRESH_TOKEN_REUSED);
    expect(reused.body.error.message).toMatch(/sign in again/i);
    const successor = await post(sys, '/api/auth/refresh', { refreshToken: second.body.refreshToken });
    expect(successor.body.error.code).toBe(ErrorCode.REFRESH_TOKEN_INVALID);
    // And its access tokens are refused at the handshake although they have not expired.
    await eventually(async () => {
      try {
        (await connectSocket(sys.gatewayUrl, second.body.accessToken)).close();
        return false;
      } catch (err) {
        expect((err as { data?: { code?: string } }).data?.code).toBe(ErrorCode.SIGN_IN_REVOKED);
        return true;
      }
    }, 'the revoked access token is refused');

    expect((await post(sys, '/api/auth/refresh', { refreshToken: 'rt_not-a-token-we-ever-issued' })).body.error.code).toBe(ErrorCode.REFRESH_TOKEN_INVALID);
    expect((await post(sys, '/api/auth/refresh', { refreshToken: 42 })).body.error.code).toBe(ErrorCode.VALIDATION_FAILED);
  });

  it('signs a student and a teacher in with the passkey they registered, once per challenge', async () => {
    const phone = await StudentClient.connect(sys.gatewayUrl, sys.origin, await sys.signIn(student(4).email, student(4).password));
    await phone.registerPasskey('Student phone');
    phone.close();

    const options = await post(sys, '/api/auth/passkey/options', {});
    expect(options.status).toBe(200);
    expect(options.body.options).toMatchObject({ userVerification: 'required', allowCredentials: [] });
    const response = await phone.authenticator.getAssertion(options.body.options, { origin: sys.origin });
    const signedIn = await post<SignInReply>(sys, '/api/auth/passkey/verify', { response });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user).toMatchObject({ id: student(4).id, role: 'student' });
    expect(signedIn.body.refreshToken).toEqual(expect.any(String));
    (await connectSocket(sys.gatewayUrl, signedIn.body.accessToken)).close();

    // The same answer again: its challenge was claimed.
    const replay = await post(sys, '/api/auth/passkey/verify', { response });
    expect(replay.body.error.code).toBe(ErrorCode.CHALLENGE_NOT_FOUND);
    // A passkey nobody registered.
    const stranger = new SoftAuthenticator();
    await stranger.createCredential(
      { challenge: 'AAAA', rp: { id: 'localhost', name: 'x' }, user: { id: 'eA', name: 'x', displayName: 'x' }, pubKeyCredParams: [{ type: 'public-key', alg: -7 }] },
      { origin: sys.origin },
    );
    const unknownOptions = (await post(sys, '/api/auth/passkey/options', {})).body.options;
    const unknown = await post(sys, '/api/auth/passkey/verify', { response: await stranger.getAssertion(unknownOptions, { origin: sys.origin }) });
    expect(unknown.body.error.code).toBe(ErrorCode.UNKNOWN_CREDENTIAL);

    // Any role may register a passkey for themselves and sign in with it.
    const teacherSocket = await connectSocket(sys.gatewayUrl, await sys.signIn(cls.teacher.email, cls.teacher.password));
    const teacherKey = new SoftAuthenticator();
    const regOptions = await requestOk(teacherSocket, ClientEvents.passkeyOptions, {});
    await requestOk(teacherSocket, ClientEvents.passkeyRegister, { response: await teacherKey.createCredential(regOptions, { origin: sys.origin }) });
    teacherSocket.close();
    const teacherOptions = (await post(sys, '/api/auth/passkey/options', {})).body.options;
    const teacherIn = await post<SignInReply>(sys, '/api/auth/passkey/verify', { response: await teacherKey.getAssertion(teacherOptions, { origin: sys.origin }) });
    expect(teacherIn.body.user).toMatchObject({ id: cls.teacher.id, role: 'teacher' });
  });

  it('refuses every way in to a disabled account, and lets it in again once enabled', async () => {
    const target = student(5);
    const phone = await StudentClient.connect(sys.gatewayUrl, sys.origin, await sys.signIn(target.email, target.password));
    await phone.registerPasskey();
    phone.close();
    const before = (await signInHttp(sys, target.email, target.password)).body as SignInReply;

    const admin = await createAdmin(sys);
    const adminSocket = await connectSocket(sys.gatewayUrl, await sys.signIn(admin.email, admin.password));
    // Only administrators may, and they must name an account.
    const asStudent = await connectSocket(sys.gatewayUrl, await sys.signIn(student(1).email, student(1).password));
    expect(await request(asStudent, ClientEvents.userSetDisabled, { targetUserId: target.id, disabled: true })).toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    asStudent.close();
    expect(await request(adminSocket, ClientEvents.userSetDisabled, { targetUserId: randomUUID(), disabled: true })).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_FOUND } });
    expect(await request(adminSocket, ClientEvents.userSetDisabled, { targetUserId: 'nope', disabled: true })).toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });

    expect(await requestOk(adminSocket, ClientEvents.userSetDisabled, { targetUserId: target.id, disabled: true })).toEqual({ userId: target.id, disabled: true, changed: true });
    // Password: the same answer as a wrong password (no hint the account exists or is disabled).
    expect((await signInHttp(sys, target.email, target.password)).body.error.code).toBe(ErrorCode.INVALID_CREDENTIALS);
    expect((await post(sys, '/api/auth/refresh', { refreshToken: before.refreshToken })).body.error.code).toBe(ErrorCode.REFRESH_TOKEN_INVALID);
    const options = (await post(sys, '/api/auth/passkey/options', {})).body.options;
    const passkey = await post(sys, '/api/auth/passkey/verify', { response: await phone.authenticator.getAssertion(options, { origin: sys.origin }) });
    expect(passkey.status).toBe(403);
    expect(passkey.body.error.code).toBe(ErrorCode.ACCOUNT_DISABLED);

    expect(await requestOk(adminSocket, ClientEvents.userSetDisabled, { targetUserId: target.id, disabled: false })).toMatchObject({ disabled: false, changed: true });
    expect((await signInHttp(sys, target.email, target.password)).status).toBe(200);
    adminSocket.close();
  });
});
