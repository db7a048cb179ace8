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
});
export type ReportConfig = z.output<typeof Env>;

export const REPORT_CONFIG = Symbol('REPORT_CONFIG');
