import { describe, expect, it } from '@jest/globals';
import { EventSubjects } from '@classconnect/contracts';
import type { NatsConnection } from '@classconnect/messaging';
import { SessionKeyInvalidation } from './session-key-invalidation.js';
import { MemoryFlagState } from './testing/fakes.js';

type Callback = (err: Error | null, msg: { data: Uint8Array }) => void;

/** Just enough of a NATS connection: plain subscriptions by subject, and a status stream the spec feeds. */
function fakeNats() {
  const callbacks = new Map<string, Callback>();
  const options: Record<string, unknown>[] = [];
  const unsubscribed: string[] = [];
  const statuses: { type: string }[] = [];
  let wake: (() => void) | undefined;
  const nc = {
    subscribe(subject: string, opts: { callback: Callback }) {
      callbacks.set(subject, opts.callback);
      options.push(opts);
      return { unsubscribe: () => unsubscribed.push(subject) };
    },
    status() {
      return (async function* () {
        for (;;) {
          if (statuses.length) yield statuses.shift()!;
          else await new Promise<void>((r) => (wake = r));
        }
      })();
    },
  };
  const event = (sessionId: unknown) => ({ data: new TextEncoder().encode(JSON.stringify({ specversion: '1.0', id: 'e1', type: 't', source: 's', time: new Date().toISOString(), data: { sessionId } })) });
  return {
    nc: nc as unknown as NatsConnection,
    deliver: (subject: string, sessionId: unknown) => callbacks.get(subject)!(null, event(sessionId)),
    fail: (subject: string) => callbacks.get(subject)!(new Error('permissions violation'), { data: new Uint8Array() }),
    status: async (type: string) => {
      statuses.push({ type });
      wake?.();
      await new Promise((r) => setImmediate(r));
    },
    subjects: () => [...callbacks.keys()],
    options,
    unsubscribed,
  };
}

/** A flag store that records what it was told to forget (undefined: every key). */
class ForgetfulState extends MemoryFlagState {
  readonly forgotten: (string | undefined)[] = [];
  override forgetCachedKey(sessionId?: string) {
    this.forgotten.push(sessionId);
  }
}

describe('SessionKeyInvalidation', () => {
  const setUp = () => {
    const nats = fakeNats();
    const state = new ForgetfulState();
    const invalidation = new SessionKeyInvalidation(nats.nc, state);
    invalidation.onModuleInit();
    return { nats, state, invalidation };
  };

  it('forgets the cached key of a session that closed or was reopened, and only that one', () => {
    const { nats, state } = setUp();
    expect(nats.subjects().sort()).toEqual([EventSubjects.sessionClosed, EventSubjects.sessionReopened].sort());
    // No queue group: every instance must hear every event.
    expect(nats.options.every((o) => o.queue === undefined)).toBe(true);
    nats.deliver(EventSubjects.sessionClosed, 's1');
    nats.deliver(EventSubjects.sessionReopened, 's2');
    expect(state.forgotten).toEqual(['s1', 's2']);
  });

  it('forgets every cached key when it may have missed one: an event it cannot read, a subscription error, a disconnect or a slow consumer', async () => {
    const { nats, state } = setUp();
    nats.deliver(EventSubjects.sessionClosed, undefined);
    nats.fail(EventSubjects.sessionReopened);
    await nats.status('disconnect');
    await nats.status('slowConsumer');
    await nats.status('pingTimer');
    expect(state.forgotten).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('stops listening at shutdown', async () => {
    const { nats, state, invalidation } = setUp();
    invalidation.onApplicationShutdown();
    expect(nats.unsubscribed.sort()).toEqual([EventSubjects.sessionClosed, EventSubjects.sessionReopened].sort());
    await nats.status('disconnect');
    expect(state.forgotten).toEqual([]);
  });
});
