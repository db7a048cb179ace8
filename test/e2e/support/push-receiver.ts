/**
 * The browser's side of Web Push, for tests: a subscription's P-256 key pair and auth secret, the
 * decryption of what a push service received for it (RFC 8291, aes128gcm, RFC 8188) and the check
 * of its VAPID signature (RFC 8292) — written with node:crypto only, independent of the sender.
 */
import { createECDH, createPublicKey, createDecipheriv, hkdfSync, randomBytes, verify, type ECDH } from 'node:crypto';
import { expect } from '@jest/globals';

const b64u = (b: Buffer) => b.toString('base64url');

/** A browser's side of one subscription: its key pair and auth secret. */
export class Device {
  readonly ecdh: ECDH = createECDH('prime256v1');
  readonly auth = randomBytes(16);
  constructor(readonly endpoint: string) {
    this.ecdh.generateKeys();
  }
  get subscription() {
    return { endpoint: this.endpoint, keys: { p256dh: b64u(this.ecdh.getPublicKey()), auth: b64u(this.auth) } };
  }
  /** RFC 8291 §3.4 and RFC 8188: one aes128gcm record. */
  decrypt(body: Buffer): string {
    const salt = body.subarray(0, 16);
    const rs = body.readUInt32BE(16);
    const idlen = body[20]!;
    const serverPublic = body.subarray(21, 21 + idlen);
    const record = body.subarray(21 + idlen);
    expect(idlen).toBe(65);
    expect(record.length).toBeLessThanOrEqual(rs);
    const shared = this.ecdh.computeSecret(serverPublic);
    const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), this.ecdh.getPublicKey(), serverPublic]);
    const ikm = Buffer.from(hkdfSync('sha256', shared, this.auth, keyInfo, 32));
    const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
    const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    // The last record ends with the delimiter 0x02, then zero or more zero bytes of padding.
    let end = padded.length - 1;
    while (end >= 0 && padded[end] === 0) end--;
    expect(padded[end]).toBe(2);
    return padded.subarray(0, end).toString('utf8');
  }
}

/** RFC 8292: `vapid t=<JWT>, k=<public key>`, the JWT signed with ES256 by that key, for this origin. */
export function checkVapid(authorization: string | undefined, publicKey: string, audience: string): Record<string, unknown> {
  const m = /^vapid t=([^,]+), k=(.+)$/.exec(authorization ?? '');
  expect(m).not.toBeNull();
  const [, jwt, k] = m!;
  expect(k).toBe(publicKey);
  const [header, payload, signature] = jwt!.split('.');
  expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({ alg: 'ES256' });
  const point = Buffer.from(k!, 'base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33, 65)) }, format: 'jwk' });
  expect(verify('sha256', Buffer.from(`${header}.${payload}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature!, 'base64url'))).toBe(true);
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { aud: string; exp: number; sub: string };
  expect(claims.aud).toBe(audience);
  expect(claims.exp * 1000).toBeGreaterThan(Date.now());
  return claims;
}

