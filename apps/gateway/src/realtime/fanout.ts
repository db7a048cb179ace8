import type { OnApplicationShutdown } from '@nestjs/common';
import type { Server } from 'socket.io';
import type { Subscription } from '@nats-io/transport-node';
import {
  EventSchemas,
  EventTypePrefix,
  type CloudEvent,
  type EventData,
  type EventSubject,
  type ServerEvent,
  type ServerPayloads,
} from '@classconnect/contracts';
import { subscribeEvents, type NatsConnection } from '@classconnect/messaging';
import type { Logger } from '@classconnect/observability';

/** One push of an event's data `D`: the rooms it goes to (none: no push), the server event, and its payload. */
export type Push<D> = {
  [E in ServerEvent]: { to: (e: D) => string[]; event: E; payload: (e: D) => ServerPayloads[E] };
}[ServerEvent];

export interface Route<D> {
  /** The versions of one fact share a group: only the first of them seen (by `key`) is pushed. */
  once?: { group: string; key: (e: D) => string };
  /** Emitted in this order. */
  pushes: Push<D>[];
}

/** What each event type pushes, typed by the event's data. */
export type Routes = { [S in EventSubject]?: Route<EventData<S>> };

/**
 * Turns the events under `prefix` into pushes to the right sockets, as `routes` says. Every gateway
 * instance subscribes to them (core NATS, not a queue group) and emits to its own members of each
 * room. It subscribes to the subjects it routes, one by one, not to the whole prefix: the facts it
 * pushes nothing for (the mark.recorded copies of every check-in, …) are then never delivered to it.
 */
export abstract class Fanout implements OnApplicationShutdown {
  private readonly subs: Subscription[] = [];
  private server?: Server;
  /**
   * A publisher that retries after a crash sends the same event (same id) again. JetStream stores it
   * once, but a core subscriber sees every copy, so recent ids are remembered and repeats dropped.
   */
  private readonly seen: RecentIds;
  private readonly pushedOnce = new Map<string, RecentIds>();

  protected constructor(
    private readonly nc: NatsConnection,
    /** Where its subjects live, e.g. `attendance.`: every route's subject must start with it. */
    private readonly prefix: string,
    private readonly routes: Routes,
    private readonly log: Logger,
    private readonly remembered: number,
  ) {
    this.seen = new RecentIds(remembered);
    const stray = Object.keys(routes).filter((subject) => !subject.startsWith(prefix));
    if (stray.length) throw new Error(`Fanout under ${prefix} given routes for ${stray.join(', ')}`);
  }

  attach(server: Server): void {
    if (this.server) return;
    this.server = server;
    for (const subject of Object.keys(this.routes)) this.subs.push(subscribeEvents(this.nc, subject, (event) => this.routeOrWarn(event)));
  }

  /** The data is not parsed on this hop: one that is not what its type says is logged and skipped. */
  private routeOrWarn(event: CloudEvent): void {
    try {
      this.route(event);
    } catch (err) {
      this.log.warn({ err: { message: (err as Error).message }, type: event.type, id: event.id }, 'could not push an event whose data is not what its type says');
    }
  }

  onApplicationShutdown(): void {
    for (const sub of this.subs.splice(0)) sub.unsubscribe();
  }

  route(event: CloudEvent): void {
    if (this.seen.has(event.id)) return;
    this.seen.add(event.id);
    const subject = event.type.slice(EventTypePrefix.length) as EventSubject;
    // The one place the subject's type is lost: Routes gives each subject a route for its own data.
    const route = this.routes[subject] as Route<unknown> | undefined;
    // A newer event type this gateway does not know, or one it does not push.
    if (!(subject in EventSchemas) || !route) return;
    // Our own services' events, checked against the contract when they were published
    // (EventPublisher): typed here, not parsed again on this hop.
    const data = event.data as unknown;
    if (route.once) {
      const pushed = this.pushedOnceIn(route.once.group);
      const key = route.once.key(data);
      if (pushed.has(key)) return;
      pushed.add(key);
    }
    for (const push of route.pushes) {
      const rooms = push.to(data);
      if (rooms.length === 0) continue;
      const payload = push.payload(data);
      this.server?.to(rooms).emit(push.event, payload);
      this.pushed(push.event, payload);
    }
  }

  /** Called after each push; a subclass may watch some (EventFanout times check-in verdicts). */
  protected pushed(_event: string, _payload: unknown): void {}

  private pushedOnceIn(group: string): RecentIds {
    let ids = this.pushedOnce.get(group);
    if (!ids) this.pushedOnce.set(group, (ids = new RecentIds(this.remembered)));
    return ids;
  }
}

/** The fields of an event a push passes on unchanged; a field the event leaves out stays out. */
export function pick<D extends object, K extends keyof D>(data: D, keys: readonly K[]): Pick<D, K> {
  const out = {} as Pick<D, K>;
  for (const key of keys) if (data[key] !== undefined) out[key] = data[key];
  return out;
}

/** A bounded set of the most recently added ids. */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
  }
}
