import { z } from 'zod';
import { BaseEnv, DatabaseEnv, TokenEnv } from '@classconnect/config';

/** What identity-service reads from its environment, validated once at boot. */
export const IdentityEnv = BaseEnv.extend(DatabaseEnv.shape)
  .extend(TokenEnv.shape)
  .extend({
    /** Lifetime of an access token. Short, because the gateway cannot revoke one. */
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  });
export type IdentityConfig = z.output<typeof IdentityEnv>;

/** The CLI (migrations, demo data, test classes) needs the database only: no token secret. */
export const IdentityCliEnv = BaseEnv.extend(DatabaseEnv.shape);
export type IdentityCliConfig = z.output<typeof IdentityCliEnv>;

export const ServiceName = 'identity-service';
