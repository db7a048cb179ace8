import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MarkChangeReply, RosterEntry, RosterUpdate, SessionView } from '@classconnect/contracts';
import type { Live } from '../../live.js';
import { FakeLive } from '../../testing/fake-live.js';
import { renderHook, type HookHandle } from '../../testing/render-hook.js';
import { FlushMs, useLiveRoster } from './use-live-roster.js';

const session = { sessionId: 's-1', courseId: 'c-1', courseCode: 'GEO101', courseTitle: 'Maps', status: 'open', radiusM: 50, openedAt: '2026-12-07T09:00:00.000Z' } as SessionView;
const entry = (studentId: string, name: string): RosterEntry => ({ studentId, name, state: 'absent' });
const snapshot = (roster: RosterEntry[], extra: Partial<SessionView> = {}) => ({ ok: true as const, data: { ...session, roster, ...extra } });
const update = (studentId: string, state: RosterUpdate['state'] = 'present', sessionId = 's-1'): RosterUpdate => ({ sessionId, studentId, state, at: '2026-12-07T09:01:00.000Z' });
const emails = { ok: true as const, data: { courseId: 'c-1', students: [{ id: 'a', name: 'Ana', email: 'ana@univ.example' }] } } as never;

describe('useLiveRoster: the teacher’s live roster', () => {
  let hook: HookHandle<ReturnType<typeof useLiveRoster>> | undefined;
  let live: FakeLive;
  const onStopped = vi.fn();
  const start = () => {
    hook = renderHook(() => useLiveRoster(live as unknown as Live, session, onStopped));
    return hook;
  };

  beforeEach(() => {
    vi.useFakeTimers();
    live = new FakeLive().answer('course:roster', emails);
  });

  afterEach(() => {
    hook?.unmount();
    hook = undefined;
    vi.useRealTimers();
    onStopped.mockReset();
  });

  it('reads the snapshot and the course’s emails when connected', async () => {
    live.answer('session:get', snapshot([entry('a', 'Ana'), entry('b', 'Ben')]));
    const { result, settle } = start();
    await settle();
    expect(live.sentOf('session:get')).toEqual([{ sessionId: 's-1' }]);
    expect(live.sentOf('course:roster')).toEqual([{ courseId: 'c-1' }]);
    expect(result.current.base?.map((e) => e.studentId)).toEqual(['a', 'b']);
    expect(result.current.emails.get('a')).toBe('ana@univ.example');
  });

  it('gathers pushes and draws them together a moment later, ignoring other sessions’', async () => {
    live.answer('session:get', snapshot([entry('a', 'Ana'), entry('b', 'Ben')]));
    const { result, settle } = start();
    await settle();
    live.push('roster:update', update('a'));
    live.push('roster:update', update('b', 'rejected'));
    live.push('roster:update', update('a', 'present', 'another-session'));
    await settle();
    expect(result.current.updates).toEqual([]);
    await vi.advanceTimersByTimeAsync(FlushMs);
    expect(result.current.updates.map((u) => [u.studentId, u.state])).toEqual([
      ['a', 'present'],
      ['b', 'rejected'],
    ]);
    // Known students: no new snapshot was asked for.
    expect(live.sentOf('session:get')).toHaveLength(1);
  });

  it('reads the snapshot again for a student it does not know yet, and after a change by hand', async () => {
    live.answer('session:get', snapshot([entry('a', 'Ana')]), snapshot([entry('a', 'Ana'), entry('z', 'Zoé')]));
    const { result, settle } = start();
    await settle();
    live.push('roster:update', update('z'));
    await settle();
    expect(live.sentOf('session:get')).toHaveLength(2);
    expect(result.current.base?.map((e) => e.name)).toEqual(['Ana', 'Zoé']);
    live.push('roster:update', update('z', 'rejected'));
    await settle();
    expect(live.sentOf('session:get')).toHaveLength(2);
    live.push('mark:changed', { sessionId: 'other', studentId: 'a' } as never);
    live.push('mark:changed', { sessionId: 's-1', studentId: 'a' } as never);
    await settle();
    expect(live.sentOf('session:get')).toHaveLength(3);
  });

  it('reads the snapshot again after a reconnect (pushes are not replayed)', async () => {
    live.answer('session:get', snapshot([entry('a', 'Ana')]));
    const { settle } = start();
    await settle();
    live.goOffline();
    live.goOnline();
    await settle();
    expect(live.sentOf('session:get')).toHaveLength(2);
  });

  it('ends once when the session closes, whether told by a push, the snapshot or Stop', async () => {
    live.answer('session:get', snapshot([entry('a', 'Ana')]));
    live.answer('session:stop', { ok: true, data: { ...session, status: 'closed', closedAt: '2026-12-07T10:00:00.000Z' } });
    const { result, settle } = start();
    await settle();
    live.push('session:closed', { sessionId: 'other', closedAt: 'x' } as never);
    expect(onStopped).not.toHaveBeenCalled();
    live.push('session:closed', { sessionId: 's-1', closedAt: '2026-12-07T10:00:00.000Z', closeReason: 'max-length' } as never);
    expect(onStopped).toHaveBeenCalledTimes(1);
    expect(onStopped.mock.calls[0]![0]).toMatchObject({ sessionId: 's-1', status: 'closed', closedAt: '2026-12-07T10:00:00.000Z', closeReason: 'max-length' });
    await result.current.stop();
    expect(onStopped).toHaveBeenCalledTimes(1);
  });

  it('ends when the snapshot says the session is closed already', async () => {
    live.answer('session:get', snapshot([entry('a', 'Ana')], { status: 'closed' }));
    const { settle } = start();
    await settle();
    expect(onStopped).toHaveBeenCalledTimes(1);
  });

  it('Stop: ends with the server’s view; closed meanwhile: reads how; refused: says why and can be tried again', async () => {
    live.answer('session:get', snapshot([entry('a', 'Ana')]));
    live.answer('session:stop', { ok: false, error: { code: 'FORBIDDEN', message: 'x' } }, { ok: false, error: { code: 'SESSION_NOT_OPEN', message: 'x' } });
    const { result, settle } = start();
    await settle();

    let stopped = await result.current.stop();
    await settle();
    expect(stopped).toBe(false);
    expect(result.current.error?.code).toBe('FORBIDDEN');
    expect(result.current.stopping).toBe(false);
    expect(onStopped).not.toHaveBeenCalled();

    live.answer('session:get', snapshot([], { status: 'closed', closeReason: 'stopped' }));
    stopped = await result.current.stop();
    await settle();
    expect(stopped).toBe(true);
    expect(result.current.error).toBeNull();
    expect(onStopped).toHaveBeenCalledTimes(1);
    expect(onStopped.mock.calls[0]![0]).toMatchObject({ status: 'closed' });
  });

  it('shows a status set by hand at once', async () => {
    live.answer('session:get', snapshot([entry('a', 'Ana'), entry('b', 'Ben')]));
    const { result, settle } = start();
    await settle();
    const change = { sessionId: 's-1', studentId: 'b', status: 'excused', reason: 'Doctor', changedBy: 't-1', changedAt: '2026-12-07T09:05:00.000Z' } as MarkChangeReply;
    result.current.applyMark(change);
    await settle();
    const ben = result.current.base?.find((e) => e.studentId === 'b');
    expect(ben).toMatchObject({ status: 'excused', override: { status: 'excused', reason: 'Doctor', by: 't-1', at: '2026-12-07T09:05:00.000Z' } });
    expect(result.current.base?.find((e) => e.studentId === 'a')?.override).toBeUndefined();
  });

  it('stops listening, and drops pushes not yet drawn, when the screen goes', async () => {
    live.answer('session:get', snapshot([entry('a', 'Ana')]));
    const { unmount, settle } = start();
    await settle();
    live.push('roster:update', update('a'));
    expect(live.listening('roster:update')).toBe(1);
    unmount();
    hook = undefined;
    expect(live.listening('roster:update')).toBe(0);
    expect(live.listening('session:closed')).toBe(0);
    expect(live.listening('mark:changed')).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
