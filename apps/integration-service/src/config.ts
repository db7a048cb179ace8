import { isIP } from 'node:net';
import { z } from 'zod';
import { BaseEnv, DatabaseEnv, opsEnv } from '@classconnect/config';

/** "0,5s,5m,30m,2h,5h,10h,10h": delays in ms, or with a unit (ms, s, m, h). */
const Durations = z
  .string()
  .min(1)
  .transform((s, ctx) => {
    const out: number[] = [];
    for (const part of s.split(',').map((p) => p.trim())) {
      const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(part);
      if (!m) {
        ctx.addIssue({ code: 'custom', message: `"${part}" is not a duration (e.g. 500ms, 5s, 5m, 2h)` });
        return z.NEVER;
      }
      out.push(Math.round(Number(m[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms']));
    }
    return out;
  });

function isCidr(cidr: string): boolean {
  const [net, bits, extra] = cidr.split('/');
  const family = isIP(net ?? '');
  const max = family === 6 ? 128 : 32;
  return family !== 0 && extra === undefined && (bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= max));
}

/** integration-service's environment, validated once at boot. */
export const Env = BaseEnv.extend(DatabaseEnv.shape).extend(opsEnv('integration-service').shape).extend({
  /**
   * When each attempt of a delivery is made, counted from the previous failed one: the first is
   * immediate, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (8 attempts, about 28 hours). Tests
   * shorten it; production keeps the default.
   */
  WEBHOOK_RETRY_SCHEDULE: Durations.prefault('0,5s,5m,30m,2h,5h,10h,10h'),
  /** How long one attempt waits for the receiver's answer (connecting included). */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /**
   * Addresses that are not public but may be called anyway (comma-separated CIDRs, e.g.
   * `10.20.0.0/16,127.0.0.1/32`): by default loopback, private, link-local, CGNAT, multicast and
   * other reserved ranges are refused, so a webhook cannot be aimed at the university's inside.
   */
  WEBHOOK_ALLOWED_CIDRS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((c) => c.trim()).filter(Boolean))
    .refine((cidrs) => cidrs.every(isCidr), 'must be comma-separated address ranges, e.g. 10.20.0.0/16,127.0.0.1/32'),
  /** Deliveries in flight at once per endpoint. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
});
export type IntegrationConfig = z.output<typeof Env>;

export const INTEGRATION_CONFIG = Symbol('INTEGRATION_CONFIG');
