import { z } from 'zod';
import { BaseEnv, TokenEnv, WebAuthnEnv } from '@classconnect/config';

export const GatewayEnv = BaseEnv.extend(TokenEnv.shape).extend({
  GATEWAY_PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  GATEWAY_HOST: z.string().default('0.0.0.0'),
  /** How long the gateway waits for a service to answer a command. */
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** The address browsers reach the gateway at (the QR code's URL starts with it); default: the first WEBAUTHN_ORIGINS entry. */
  PUBLIC_ORIGIN: z.string().url().optional(),
  WEBAUTHN_ORIGINS: WebAuthnEnv.shape.WEBAUTHN_ORIGINS,
  /** identity-service's access-token lifetime: how long a revoked sign-in is remembered. */
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
});
export type GatewayConfig = z.infer<typeof GatewayEnv>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
