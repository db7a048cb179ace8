/**
 * One durable consumer per endpoint (per stream its event types come from), so a slow or dead
 * receiver only ever holds back its own deliveries. The set follows the endpoints table: every
 * instance reconciles at start, when any instance announces a change (a core NATS broadcast), and
 * every 30 s in case a broadcast was missed. Instances share each durable, as they share any.
 * A new endpoint's durable starts at "now": it gets the events published after it was registered.
 */
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import { Streams } from '@classconnect/contracts';
import { DurableConsumer, NATS_CONNECTION, type ConsumedMessage, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import type { Subscription } from '@nats-io/transport-node';
import { INTEGRATION_CONFIG, type IntegrationConfig } from '../config.js';
import { DeliveryService, EndpointChanges } from './delivery.service.js';
import { EndpointStore, type WebhookEndpoint } from './webhook.repository.js';

/** Core NATS, not a command: every instance hears it (no queue group). */
export const EndpointsChangedSubject = 'cc.integration.webhooks-changed';
const ReconcileEveryMs = 30_000;
const StartWaitMs = 5_000;

const StreamsByPrefix = [
  { prefix: 'attendance.', stream: Streams.attendance.name },
  { prefix: 'directory.', stream: Streams.directory.name },
];

export function durableName(endpointId: string, stream: string): string {
  return `webhook-${endpointId}-${stream.toLowerCase()}`;
}

/** The endpoint's event types grouped by the stream they are on. */
export function subjectsByStream(eventTypes: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const subject of [...eventTypes].sort()) {
    const stream = StreamsByPrefix.find((s) => subject.startsWith(s.prefix))?.stream;
    if (stream) out.set(stream, [...(out.get(stream) ?? []), subject]);
  }
  return out;
}

interface Running {
  key: string;
  streams: string[];
  consumers: DurableConsumer[];
}

@Injectable()
export class EndpointConsumers extends EndpointChanges implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = createLogger(EndpointConsumers.name);
  private readonly running = new Map<string, Running>();
  private queue: Promise<void> = Promise.resolve();
  private sub?: Subscription;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(EndpointStore) private readonly endpoints: EndpointStore,
    @Inject(DeliveryService) private readonly delivery: DeliveryService,
    @Inject(INTEGRATION_CONFIG) private readonly config: IntegrationConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.sub = this.nc.subscribe(EndpointsChangedSubject, { callback: () => void this.reconcileSoon() });
    await this.reconcileSoon();
    this.timer = setInterval(() => void this.reconcileSoon(), ReconcileEveryMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.sub?.unsubscribe();
    await this.queue;
    await Promise.all([...this.running.values()].flatMap((r) => r.consumers.map((c) => c.stop())));
  }

  /** This instance is up to date when it resolves (a new endpoint's durable exists); the others follow the broadcast. */
  async announce(_endpointId: string): Promise<void> {
    await this.reconcileSoon();
    this.nc.publish(EndpointsChangedSubject);
  }

  /** Reconciles one at a time; a failure is logged and the next trigger tries again. */
  private reconcileSoon(): Promise<void> {
    this.queue = this.queue
      .then(() => (this.stopped ? undefined : this.reconcile()))
      .catch((err) => this.log.error({ err }, 'could not bring the webhook consumers up to date; will try again'));
    return this.queue;
  }

  private async reconcile(): Promise<void> {
    const wanted = new Map<string, WebhookEndpoint>();
    for (const e of await this.endpoints.list()) if (e.enabled) wanted.set(e.id, e);
    for (const [id, run] of [...this.running]) {
      const endpoint = wanted.get(id);
      if (endpoint && keyOf(endpoint) === run.key) continue;
      await Promise.all(run.consumers.map((c) => c.stop()));
      this.running.delete(id);
      const keep = endpoint ? [...subjectsByStream(endpoint.eventTypes).keys()] : [];
      await this.deleteDurables(id, run.streams.filter((s) => !keep.includes(s)));
    }
    for (const endpoint of wanted.values()) {
      if (this.running.has(endpoint.id)) continue;
      await this.startEndpoint(endpoint);
    }
    // Endpoints removed or disabled while no instance ran a consumer for them: clear what is left on the server.
    await this.deleteOrphans(new Set(wanted.keys()));
  }

  private async startEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    const byStream = subjectsByStream(endpoint.eventTypes);
    const consumers: DurableConsumer[] = [];
    for (const [stream, subjects] of byStream) {
      const consumer = new DurableConsumer(this.nc, {
        stream,
        durable: durableName(endpoint.id, stream),
        // NATS before 2.10 (Debian's) takes one filter per consumer: several types read the whole
        // stream and the delivery service skips the types the endpoint did not ask for.
        filterSubjects: subjects.length === 1 ? subjects : [StreamsByPrefix.find((s) => s.stream === stream)!.prefix + '>'],
        concurrency: this.config.WEBHOOK_CONCURRENCY,
        deliverPolicy: 'new',
      });
      consumers.push(consumer);
      // One endpoint's consumer that cannot start (it keeps trying) must not hold back the others'.
      const started = consumer.start((msg) => this.handle(endpoint.id, msg));
      await Promise.race([started, new Promise((r) => setTimeout(r, StartWaitMs).unref())]);
    }
    this.running.set(endpoint.id, { key: keyOf(endpoint), streams: [...byStream.keys()], consumers });
    this.log.info({ endpointId: endpoint.id, streams: [...byStream.keys()] }, 'webhook endpoint consumer running');
  }

  private async handle(endpointId: string, msg: ConsumedMessage): Promise<void | { retryInMs: number }> {
    const body = Buffer.from(msg.data).toString('utf8');
    let event: { id?: unknown; type?: unknown; data?: { courseId?: unknown } };
    try {
      event = JSON.parse(body);
    } catch {
      this.log.warn({ endpointId, subject: msg.subject, seq: msg.seq }, 'not a JSON CloudEvent on the stream; not delivered');
      return;
    }
    if (typeof event.id !== 'string' || typeof event.type !== 'string') return;
    const { retryInMs, endpointDisabled } = await this.delivery.deliver(endpointId, {
      subject: msg.subject,
      id: event.id,
      type: event.type,
      body,
      ...(typeof event.data?.courseId === 'string' ? { courseId: event.data.courseId } : {}),
    });
    // Not awaited: announcing stops this very consumer, which waits for this handler to finish.
    if (endpointDisabled) void this.announce(endpointId);
    return retryInMs === undefined ? undefined : { retryInMs };
  }

  private async deleteDurables(endpointId: string, streams: string[]): Promise<void> {
    if (streams.length === 0) return;
    const jsm = await jetstreamManager(this.nc);
    for (const stream of streams) await jsm.consumers.delete(stream, durableName(endpointId, stream)).catch(() => false);
  }

  private async deleteOrphans(wanted: Set<string>): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    for (const { stream } of StreamsByPrefix) {
      for await (const info of jsm.consumers.list(stream)) {
        const m = /^webhook-([0-9a-f-]{36})-/.exec(info.name);
        if (!m || wanted.has(m[1]!)) continue;
        // Asked again: an endpoint registered on another instance since this one listed them is not an orphan.
        if ((await this.endpoints.get(m[1]!))?.enabled) continue;
        await jsm.consumers.delete(stream, info.name).catch(() => false);
      }
    }
  }
}

function keyOf(e: WebhookEndpoint): string {
  return JSON.stringify([...e.eventTypes].sort());
}
