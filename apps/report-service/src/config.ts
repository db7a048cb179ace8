import { z } from 'zod';
import { BaseEnv, DatabaseEnv, opsEnv } from '@classconnect/config';

const PositiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** report-service's environment, validated once at boot. */
export const Env = BaseEnv.extend(DatabaseEnv.shape).extend(opsEnv('report-service').shape).extend({
  /** Durable consumer name on ATTENDANCE. Tests use their own so they never steal the real one's messages. */
  REPORT_CONSUMER_NAME: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, - or _').default('report'),
  /** Where a newly created durable starts: `all` replays the whole stream (production), `new` only what comes next. */
  REPORT_CONSUMER_DELIVER: z.enum(['all', 'new']).default('all'),
  REPORT_BATCH_MAX: PositiveInt(256),
  REPORT_BATCH_WAIT_MS: PositiveInt(20),
  /**
   * How long a closed session's report waits for the marks its close event lists (and its opening)
   * when they have not arrived; then it is built anyway, marked incomplete, and rebuilt as they
   * arrive. A normal close does not wait: its marks are on the stream before it. 3 s covers a
   * mark whose publish is retried after a hiccup and leaves room in the 5 s from Stop to report;
   * anything later is a dead letter or an outage, which waiting longer would not fix.
   */
  REPORT_MARK_WAIT_MS: PositiveInt(3_000),
  /** Days after a session closes before its detailed check-in evidence is removed (statuses stay). 0: at the next sweep. */
  EVIDENCE_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(365),
  /** How often each instance looks for sessions past the retention period. */
  EVIDENCE_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(86_400_000).default(3_600_000),
  /**
   * Low-attendance warnings, the deployment's defaults (a course's teachers may set their own):
   * a rate below WARNING_MIN_RATE after at least WARNING_MIN_SESSIONS counted sessions, and
   * WARNING_CONSECUTIVE_ABSENCES missed sessions in a row (0: off). WARNING_EXCUSED_POLICY says how
   * an excused session counts: `exclude` (left out), `absent` or `attended`.
   */
  WARNING_MIN_RATE: z.coerce.number().min(0).max(1).default(0.7),
  WARNING_MIN_SESSIONS: z.coerce.number().int().min(1).max(1000).default(5),
  WARNING_CONSECUTIVE_ABSENCES: z.coerce.number().int().min(0).max(1000).default(3),
  WARNING_EXCUSED_POLICY: z.enum(['exclude', 'absent', 'attended']).default('exclude'),
  /**
   * Web Push when class starts. Off while the VAPID keys are unset (the launcher makes a pair for
   * the local default). VAPID_SUBJECT: a mailto: or https: contact for the push services.
   */
  VAPID_PUBLIC_KEY: z.string().regex(/^[A-Za-z0-9_-]{80,100}$/, 'must be the base64url public key (npx web-push generate-vapid-keys)').optional(),
  VAPID_PRIVATE_KEY: z.string().regex(/^[A-Za-z0-9_-]{40,50}$/, 'must be the base64url private key').optional(),
  VAPID_SUBJECT: z.string().regex(/^(mailto:|https:\/\/)/, 'must start with mailto: or https://').default('mailto:attendance@localhost'),
  /**
   * The hosts a subscription's endpoint may point at (comma-separated, `*.` for any subdomain), so a
   * client cannot make this service POST to an address of its choosing; https only unless
   * PUSH_ALLOW_HTTP (tests, with a local stand-in for the push service).
   */
  PUSH_SERVICE_HOSTS: z
    .string()
    .default('fcm.googleapis.com,updates.push.services.mozilla.com,*.push.apple.com,*.notify.windows.com')
    .transform((v) => v.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)),
  PUSH_ALLOW_HTTP: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Durable consumer names of the push (session.opened on ATTENDANCE, sign-outs on DIRECTORY). */
  PUSH_CONSUMER_NAME: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, - or _').default('report-push'),
  /** A session opened longer ago than this (a backlog after an outage) is not announced any more. */
  PUSH_MAX_AGE_SECONDS: PositiveInt(600),
});
export type ReportConfig = z.output<typeof Env>;

export const REPORT_CONFIG = Symbol('REPORT_CONFIG');
