import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus metrics, served on /metrics (ops-server.ts; the gateway's own port).
 * Every series carries `service` (SERVICE_NAME). Names are published: an alert someone wrote
 * depends on them, so a metric is never renamed; a new one is added beside it.
 *
 * Each process registers every metric; a metric only one service feeds (sockets, for instance)
 * is simply absent from the others' answers until it has a value, because prom-client leaves out
 * a counter or histogram with no labelled series yet.
 */
export const metricsRegistry = new Registry();
metricsRegistry.setDefaultLabels({ service: process.env.SERVICE_NAME ?? 'classconnect' });
// CPU, memory, heap, event-loop lag, open handles and the like, as process_* and nodejs_*.
collectDefaultMetrics({ register: metricsRegistry });

const registers = [metricsRegistry];

/** The durable consumers running in this process, each with how to read its lag from the server. */
const lagSources = new Map<string, () => Promise<void>>();

/**
 * Reports a durable consumer's lag (pending and ack-pending messages) at every scrape, read from the
 * server by `read`; the returned function stops reporting it. A read that fails leaves the last values.
 */
export function trackConsumerLag(durable: string, read: () => Promise<{ pending: number; ackPending: number }>): () => void {
  lagSources.set(durable, async () => {
    try {
      const { pending, ackPending } = await read();
      Metrics.consumerPending.set({ durable }, pending);
      Metrics.consumerAckPending.set({ durable }, ackPending);
    } catch {
      // The server is unreachable now: the health check says so; the gauge keeps its last reading.
    }
  });
  return () => lagSources.delete(durable);
}

export const Metrics = {
  /** Gateway: from a student's submit to the verdict they were told, in seconds. */
  checkinLatency: new Histogram({
    name: 'cc_checkin_submit_to_verdict_seconds',
    help: 'Time from a check-in submission reaching the gateway to its verdict being sent to the student',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  }),
  /** Gateway: verdicts sent to students: `accepted`, or the rejection reason code. */
  verdicts: new Counter({
    name: 'cc_checkin_verdicts_total',
    help: 'Check-in verdicts sent to students, by outcome (accepted or rejected) and reason code',
    labelNames: ['outcome', 'reason'] as const,
    registers,
  }),
  /** Gateway: Socket.IO connections open now. */
  sockets: new Gauge({ name: 'cc_gateway_connected_sockets', help: 'Socket.IO connections open on this gateway', registers }),
  /** Every service: NATS request/reply round trips it made, per subject and outcome. */
  natsRequest: new Histogram({
    name: 'cc_nats_request_duration_seconds',
    help: 'NATS request/reply round trips made by this process, by subject and outcome (ok, error, unavailable)',
    labelNames: ['subject', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers,
  }),
  /** Durable consumers: messages in the stream not yet delivered to the consumer (read from the server at every scrape). */
  consumerPending: new Gauge({
    name: 'cc_consumer_pending_messages',
    help: 'Messages on the stream not yet delivered to this durable consumer (its lag)',
    labelNames: ['durable'] as const,
    registers,
    async collect() {
      await Promise.all([...lagSources.values()].map((read) => read()));
    },
  }),
  /** Durable consumers: messages delivered but not acked yet. */
  consumerAckPending: new Gauge({
    name: 'cc_consumer_ack_pending_messages',
    help: 'Messages delivered to this durable consumer and not acked yet',
    labelNames: ['durable'] as const,
    registers,
  }),
  /** Durable consumers: deliveries this process received that were redeliveries. */
  redeliveries: new Counter({
    name: 'cc_consumer_redeliveries_total',
    help: 'Messages this process received again (a previous delivery was not acked in time or was nak-ed)',
    labelNames: ['durable'] as const,
    registers,
  }),
  /** Durable consumers: messages set aside on DEADLETTER. */
  deadLetters: new Counter({
    name: 'cc_dead_letters_total',
    help: 'Messages this process set aside on the DEADLETTER stream after too many failed attempts',
    labelNames: ['durable'] as const,
    registers,
  }),
  /** Failures talking to a dependency: `redis`, `postgres` or `nats`. */
  dependencyErrors: new Counter({
    name: 'cc_dependency_errors_total',
    help: 'Errors reaching a dependency (connection errors, unavailable during a request), by dependency',
    labelNames: ['dependency'] as const,
    registers,
  }),
};

/** Counts a failure of Redis, Postgres or NATS seen by this process. */
export function countDependencyError(dependency: 'redis' | 'postgres' | 'nats'): void {
  Metrics.dependencyErrors.inc({ dependency });
}
