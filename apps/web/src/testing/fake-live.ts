/**
 * A fake live channel for the hooks' tests: it records what the page asked (event and payload),
 * answers from a script the test gives (one answer per request, in order, or a function of the
 * payload), lets the test push server events, and goes offline and back on demand.
 */
import type { ClientAckData, ClientEvent, ClientPayload, Result, ServerEvent, ServerPayloads } from '@classconnect/contracts';
import type { ConnectionState } from '../live.js';

type Answer = Result<unknown> | ((payload: unknown) => Result<unknown> | Promise<Result<unknown>>);

export class FakeLive {
  state: ConnectionState = 'online';
  readonly sent: { event: ClientEvent; payload: unknown }[] = [];
  private readonly answers = new Map<string, { answer: Answer; used: boolean }[]>();
  private readonly listeners = new Map<string, Set<(payload: never) => void>>();
  private readonly connectListeners = new Set<() => void>();
  private onlineWaiters: (() => void)[] = [];

  /** The next answers to `event`, in order, each used once; the last one given repeats until more are given. */
  answer<E extends ClientEvent>(event: E, ...answers: (Result<ClientAckData[E]> | ((payload: ClientPayload<E>) => Result<ClientAckData[E]> | Promise<Result<ClientAckData[E]>>))[]): this {
    this.answers.set(event, [...(this.answers.get(event) ?? []), ...(answers as Answer[]).map((answer) => ({ answer, used: false }))]);
    return this;
  }

  async request<E extends ClientEvent>(event: E, payload: ClientPayload<E>): Promise<Result<ClientAckData[E]>> {
    this.sent.push({ event, payload });
    const queue = this.answers.get(event) ?? [];
    while (queue.length > 1 && queue[0]!.used) queue.shift();
    if (!queue.length) throw new Error(`FakeLive: no answer scripted for ${event}`);
    queue[0]!.used = true;
    const next = queue[0]!.answer;
    return (typeof next === 'function' ? await next(payload) : next) as Result<ClientAckData[E]>;
  }

  on<E extends ServerEvent>(event: E, listener: (payload: ServerPayloads[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as (payload: never) => void);
    this.listeners.set(event, set);
    return () => set.delete(listener as (payload: never) => void);
  }

  onConnect(listener: () => void): () => void {
    this.connectListeners.add(listener);
    if (this.state === 'online') listener();
    return () => this.connectListeners.delete(listener);
  }

  /** A server push, as the gateway would send it. */
  push<E extends ServerEvent>(event: E, payload: ServerPayloads[E]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (p: ServerPayloads[E]) => void)(payload);
  }

  listening(event: ServerEvent): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  sentOf<E extends ClientEvent>(event: E): ClientPayload<E>[] {
    return this.sent.filter((s) => s.event === event).map((s) => s.payload as ClientPayload<E>);
  }

  whenOnline(): Promise<void> {
    if (this.state === 'online') return Promise.resolve();
    return new Promise((resolve) => this.onlineWaiters.push(resolve));
  }

  goOffline(): void {
    this.state = 'offline';
  }

  /** Back online: waiters resume and onConnect listeners run (as after a reconnect). */
  goOnline(): void {
    this.state = 'online';
    const waiters = this.onlineWaiters;
    this.onlineWaiters = [];
    for (const w of waiters) w();
    for (const l of this.connectListeners) l();
  }
}
