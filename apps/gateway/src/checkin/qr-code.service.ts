import { Inject, Injectable } from '@nestjs/common';
import { Rpc, type Actor, type QrCodeView } from '@classconnect/contracts';
import { RpcClient } from '@classconnect/messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';

/** The URL a QR code encodes: the student's check-in for the session, with the token filled in. */
export function checkinUrl(origin: string, sessionId: string, token: string): string {
  const url = new URL('/checkin', origin);
  url.searchParams.set('session', sessionId);
  url.searchParams.set('qr', token);
  return url.toString();
}

/**
 * The code a teacher's screen shows now. The teacher's client asks again at each `expiresAt`: a
 * request per step keeps every gateway instance stateless (no timers, no per-socket push loop).
 */
@Injectable()
export class QrCodeService {
  private readonly origin: string;

  constructor(
    @Inject(RpcClient) private readonly rpc: RpcClient,
    @Inject(GATEWAY_CONFIG) config: Pick<GatewayConfig, 'PUBLIC_ORIGIN' | 'WEBAUTHN_ORIGINS'>,
  ) {
    this.origin = config.PUBLIC_ORIGIN ?? config.WEBAUTHN_ORIGINS[0] ?? 'http://localhost:3000';
  }

  async current(actor: Actor, sessionId: string, correlationId: string): Promise<QrCodeView> {
    const code = await this.rpc.request(Rpc.sessionQr, { actor, sessionId }, { correlationId });
    return { ...code, url: checkinUrl(this.origin, code.sessionId, code.token) };
  }
}
