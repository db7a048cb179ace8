import { createHmac } from 'node:crypto';
import { jwtVerify, errors } from 'jose';
import { Role, type Actor } from '@classconnect/contracts';

const Issuer = 'classconnect-identity';
const Audience = 'classconnect';

export interface AccessClaims extends Actor {
  email: string;
  name: string;
  /** The sign-in (refresh family) this token belongs to; absent on tokens issued before sign-ins had ids. */
  sid?: string;
  /** When the token was issued (seconds since the epoch); set by verify(). */
  issuedAt?: number;
}

/** Signs and checks short-lived access tokens (HS256 with a secret shared by identity-service and the gateway). */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(secret: string, private readonly ttlSeconds = 900) {
    this.key = new TextEncoder().encode(secret);
  }

  /**
   * Signs with node:crypto's HMAC at once rather than through WebCrypto, whose jobs wait in libuv's
   * thread pool behind every password hash in progress: when a whole lecture signs in together,
   * each person gets their token as soon as their own password is checked. Same JWS as jose makes.
   */
  async issue(claims: AccessClaims): Promise<{ token: string; expiresAt: Date }> {
    const now = Date.now();
    const expiresAt = new Date(now + this.ttlSeconds * 1000);
    const payload = {
      role: claims.role,
      email: claims.email,
      name: claims.name,
      ...(claims.sid ? { sid: claims.sid } : {}),
      sub: claims.userId,
      iss: Issuer,
      aud: Audience,
      iat: Math.floor(now / 1000),
      exp: Math.floor(expiresAt.getTime() / 1000),
    };
    const signingInput = `${base64url(JSON.stringify({ alg: 'HS256' }))}.${base64url(JSON.stringify(payload))}`;
    const signature = createHmac('sha256', this.key).update(signingInput).digest('base64url');
    return { token: `${signingInput}.${signature}`, expiresAt };
  }

  /** Returns the claims of a valid token, or null for anything expired, forged or malformed. */
  async verify(token: string): Promise<AccessClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: Issuer, audience: Audience, algorithms: ['HS256'] });
      const role = Role.safeParse(payload.role);
      if (!payload.sub || !role.success) return null;
      const claims: AccessClaims = { userId: payload.sub, role: role.data, email: String(payload.email ?? ''), name: String(payload.name ?? '') };
      if (typeof payload.sid === 'string') claims.sid = payload.sid;
      if (typeof payload.iat === 'number') claims.issuedAt = payload.iat;
      return claims;
    } catch (err) {
      if (err instanceof errors.JOSEError) return null;
      throw err;
    }
  }
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
