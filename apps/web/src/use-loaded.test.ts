import { afterEach, describe, expect, it } from 'vitest';
import type { Result } from '@classconnect/contracts';
import type { Live } from './live.js';
import { FakeLive } from './testing/fake-live.js';
import { renderHook, type HookHandle } from './testing/render-hook.js';
import { useLoaded, type Loaded } from './use-loaded.js';

describe('useLoaded: something a screen reads and keeps', () => {
  let hook: HookHandle<Loaded<number>> | undefined;
  afterEach(() => {
    hook?.unmount();
    hook = undefined;
  });

  /** A load that answers from `answers` in order (the last one repeats), counting its calls. */
  const scripted = (...answers: Result<number>[]) => {
    const calls = { n: 0 };
    const load = async () => answers[Math.min(calls.n++, answers.length - 1)]!;
    return { calls, load };
  };

  it('reads once connected, and again after a reconnect', async () => {
    const live = new FakeLive();
    live.goOffline();
    const { calls, load } = scripted({ ok: true, data: 1 }, { ok: true, data: 2 });
    hook = renderHook(() => useLoaded(live as unknown as Live, load));
    await hook.settle();
    expect(calls.n).toBe(0);
    expect(hook.result.current).toMatchObject({ data: null, error: null });
    live.goOnline();
    await hook.settle();
    expect(hook.result.current).toMatchObject({ data: 1, error: null });
    live.goOffline();
    live.goOnline();
    await hook.settle();
    expect(calls.n).toBe(2);
    expect(hook.result.current.data).toBe(2);
  });

  it('keeps what it read when a read fails, shows why, and clears the error at the next success', async () => {
    const error = { code: 'SERVICE_UNAVAILABLE', message: 'try again' } as const;
    const { calls, load } = scripted({ ok: true, data: 1 }, { ok: false, error }, { ok: true, data: 3 });
    const live = new FakeLive();
    hook = renderHook(() => useLoaded(live as unknown as Live, load));
    await hook.settle();
    expect(hook.result.current).toMatchObject({ data: 1, error: null });
    await hook.result.current.reload();
    await hook.settle();
    expect(hook.result.current).toMatchObject({ data: 1, error });
    await hook.result.current.reload();
    await hook.settle();
    expect(hook.result.current).toMatchObject({ data: 3, error: null });
    expect(calls.n).toBe(3);
  });
});
