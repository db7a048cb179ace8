import { z } from 'zod';

/**
 * The small HTTP port every service but the gateway answers /health/live, /health/ready and
 * /metrics on (the gateway answers them on GATEWAY_PORT). Local defaults differ per service so
 * they can run side by side; in Kubernetes every pod sets OPS_PORT=9100; 0 picks a free port.
 */
export const DefaultOpsPorts = {
  'session-service': 9101,
  'verification-service': 9102,
  'report-service': 9103,
  'identity-service': 9104,
  'integration-service': 9105,
} as const;

export function opsEnv(service: keyof typeof DefaultOpsPorts) {
  return z.object({
    /** Listened on every interface, so the kubelet's probes and Prometheus reach it. */
    OPS_PORT: z.coerce.number().int().min(0).max(65_535).default(DefaultOpsPorts[service]),
  });
}
