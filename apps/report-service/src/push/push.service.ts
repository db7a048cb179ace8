import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@classconnect/config';
import {
  DomainError,
  ErrorCode,
  authorize,
  type Actor,
  type ClassStartPush,
  type EventData,
  type EventSubjects,
  type PushConfigReply,
  type PushSubscribeReply,
  type PushSubscribeRequest,
  type PushUnsubscribeReply,
} from '@classconnect/contracts';
import { createLogger } from '@classconnect/observability';
import { REPORT_CONFIG, type ReportConfig } from '../config.js';
import { Presence, PushSender, PushStore } from './push.ports.js';

type PushConfig = Pick<ReportConfig, 'VAPID_PUBLIC_KEY' | 'VAPID_PRIVATE_KEY' | 'PUSH_SERVICE_HOSTS' | 'PUSH_ALLOW_HTTP' | 'PUSH_MAX_AGE_SECONDS'>;

/** How many pushes are sent at once for one session. */
const Parallel = 16;

/** Whether `endpoint` may be POSTed to: https (or http when allowed) to a host of the list (`*.` any subdomain). */
export function endpointAllowed(endpoint: string, hosts: readonly string[], allowHttp: boolean): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) return false;
  if (url.username || url.password) return false;
  const host = url.host.toLowerCase();
  return hosts.some((h) => (h.startsWith('*.') ? host.endsWith(h.slice(1)) && host.length > h.length - 1 : host === h || url.hostname.toLowerCase() === h));
}

/**
 * Class-start notifications. A device subscribes (its endpoint and keys, the sign-in it is in, its
 * passkey); when a session opens, each enrolled student without an open socket gets one
 * notification per subscribed device. A subscription goes when the push service says it is gone
 * (404, 410), when its sign-in ends, when its passkey is removed, or when the device turns it off.
 */
@Injectable()
export class PushService {
  private readonly log = createLogger(PushService.name);

  constructor(
    @Inject(PushStore) private readonly store: PushStore,
    @Inject(PushSender) private readonly sender: PushSender,
    @Inject(Presence) private readonly presence: Presence,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(REPORT_CONFIG) private readonly config: PushConfig,
  ) {}

  private get enabled(): boolean {
    return Boolean(this.config.VAPID_PUBLIC_KEY && this.config.VAPID_PRIVATE_KEY);
  }

  publicConfig(actor: Actor): PushConfigReply {
    authorize(actor, 'push.manage-own');
    return { publicKey: this.enabled ? this.config.VAPID_PUBLIC_KEY! : null };
  }

  async subscribe(req: PushSubscribeRequest): Promise<PushSubscribeReply> {
    authorize(req.actor, 'push.manage-own');
    if (!this.enabled) throw new DomainError(ErrorCode.NOT_FOUND, 'This server does not send notifications: its administrator has not configured push (VAPID keys).');
    const { endpoint, keys } = req.subscription;
    if (!endpointAllowed(endpoint, this.config.PUSH_SERVICE_HOSTS, this.config.PUSH_ALLOW_HTTP)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'That push endpoint is not a push service this server sends to.');
    }
    await this.store.save(
      { endpoint, userId: req.actor.userId, keys, ...(req.signInId ? { signInId: req.signInId } : {}), ...(req.credentialId ? { credentialId: req.credentialId } : {}) },
      this.clock.now().toISOString(),
    );
    this.log.info({ userId: req.actor.userId, host: new URL(endpoint).host }, 'push subscription stored');
    return { endpoint, subscribed: true };
  }

  async unsubscribe(actor: Actor, endpoint: string): Promise<PushUnsubscribeReply> {
    authorize(actor, 'push.manage-own');
    return { endpoint, removed: await this.store.removeEndpoint(endpoint, actor.userId) };
  }

  async credentialRemoved(userId: string, credentialId: string): Promise<{ removed: number }> {
    const removed = await this.store.removeCredential(userId, credentialId);
    if (removed) this.log.info({ userId, removed }, 'push subscriptions dropped with their passkey');
    return { removed };
  }

  async signInRevoked(e: EventData<typeof EventSubjects.signInRevoked>): Promise<void> {
    const removed = e.everywhere ? await this.store.removeUser(e.userId) : await this.store.removeSignIns(e.userId, e.signInIds);
    if (removed) this.log.info({ userId: e.userId, removed, reason: e.reason }, 'push subscriptions dropped with their sign-in');
  }

  /** Sends the class-start notification to every subscribed device of each enrolled student who has no socket open. */
  async sessionOpened(e: EventData<typeof EventSubjects.sessionOpened>): Promise<{ sent: number; dropped: number; skipped: number }> {
    const none = { sent: 0, dropped: 0, skipped: 0 };
    if (!this.enabled) return none;
    if (this.clock.nowMs() - Date.parse(e.openedAt) > this.config.PUSH_MAX_AGE_SECONDS * 1000) return none;
    const subscriptions = await this.store.ofUsers(e.enrolledStudentIds);
    if (subscriptions.length === 0) return none;
    const connected = await this.presence.connected([...new Set(subscriptions.map((s) => s.userId))]);
    const targets = subscriptions.filter((s) => !connected.has(s.userId));
    const payload: ClassStartPush = {
      kind: 'session-opened',
      sessionId: e.sessionId,
      courseId: e.courseId,
      courseCode: e.courseCode,
      courseTitle: e.courseTitle,
      openedAt: e.openedAt,
      url: `/checkin?session=${e.sessionId}`,
    };
    const body = JSON.stringify(payload);
    const sent: string[] = [];
    let dropped = 0;
    for (let i = 0; i < targets.length; i += Parallel) {
      await Promise.all(
        targets.slice(i, i + Parallel).map(async (s) => {
          try {
            const status = await this.sender.send({ endpoint: s.endpoint, keys: s.keys }, body);
            if (status >= 200 && status < 300) sent.push(s.endpoint);
            else if (status === 404 || status === 410) {
              await this.store.removeEndpoint(s.endpoint);
              dropped++;
            } else this.log.warn({ status, host: new URL(s.endpoint).host, sessionId: e.sessionId }, 'a push service refused a class-start notification');
          } catch (err) {
            // Not retried: a class-start notification that comes late is of no use.
            this.log.warn({ err, host: new URL(s.endpoint).host, sessionId: e.sessionId }, 'a class-start notification could not be sent');
          }
        }),
      );
    }
    await this.store.markSent(sent, this.clock.now().toISOString());
    const outcome = { sent: sent.length, dropped, skipped: subscriptions.length - targets.length };
    this.log.info({ sessionId: e.sessionId, ...outcome }, 'class-start notifications sent');
    return outcome;
  }
}
