import { Inject, Injectable } from '@nestjs/common';
import { TokenService, type AccessClaims } from '@classconnect/auth';
import { DomainError, ErrorCode, Rpc, type Actor, type SignInRequest, type SignInReply } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';
import { RevocationService } from './revocation.service.js';
import { RevokedSentences } from './revocations.js';

/** Checks access tokens locally and relays sign-in to identity-service. */
@Injectable()
export class AuthService {
  constructor(
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(RpcClient) private readonly rpc: RpcClient,
    @Inject(RevocationService) private readonly revocations: RevocationService,
  ) {}

  /** `clientIp` lets identity-service throttle failures per address as well as per email. */
  async signIn(request: SignInRequest, correlationId: string, clientIp?: string): Promise<SignInReply> {
    return this.rpc.request(Rpc.identityPasswordSignIn, { ...request, ...(clientIp ? { clientIp } : {}) }, { correlationId });
  }

  /** The claims of a valid bearer token, or UNAUTHENTICATED. */
  async authenticate(token: string | undefined | null): Promise<AccessClaims> {
    if (!token) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Sign in first: no access token was sent.');
    const claims = await this.tokens.verify(token);
    if (!claims) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Your sign-in has expired or is not valid. Please sign in again.');
    const revoked = this.revocations.revoked.reasonFor(claims);
    if (revoked) throw new DomainError(ErrorCode.SIGN_IN_REVOKED, RevokedSentences[revoked]);
    return claims;
  }
}

export function actorOf(claims: AccessClaims): Actor {
  return { userId: claims.userId, role: claims.role };
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}
