import { describe, expect, it } from '@jest/globals';
import { DomainError, ErrorCode, EventSubjects, SystemActorId, type Actor } from '@classconnect/contracts';
import { SettableClock } from '@classconnect/config';
import type { EventSink } from '@classconnect/messaging';
import { RecordedEvents } from '../sign-in/testing/fakes.js';
import { ErasureStore, type EraseOutcome } from './erasure.repository.js';
import { AccountRetentionSweep, ErasureService, type ErasureOptions } from './erasure.service.js';

const admin: Actor = { userId: '11111111-1111-4111-8111-111111111111', role: 'admin' };
const student = '22222222-2222-4222-8222-222222222222';
const erasedAt = new Date('2026-12-07T08:00:00.000Z');

/** Accounts by id: their email, whether disabled (and since when), whether erased. */
class FakeErasureStore extends ErasureStore {
  readonly calls: { userId: string; removeEnrollments: boolean }[] = [];
  constructor(readonly accounts: Map<string, { email: string; disabled: boolean; disabledAt?: Date; erasedAt?: Date; liveSignIns: string[] }>) {
    super();
  }
  async erase(userId: string, opts: { confirmEmail?: string; removeEnrollments: boolean }): Promise<EraseOutcome> {
    this.calls.push({ userId, removeEnrollments: opts.removeEnrollments });
    const a = this.accounts.get(userId);
    if (!a) return { outcome: 'not-found' };
    if (a.erasedAt) return { outcome: 'already', role: 'student', erasedAt: a.erasedAt };
    if (opts.confirmEmail !== undefined && opts.confirmEmail.toLowerCase() !== a.email) return { outcome: 'mismatch' };
    const wasEnabled = !a.disabled;
    const live = a.liveSignIns;
    Object.assign(a, { erasedAt, disabled: true, liveSignIns: [] });
    return { outcome: 'erased', role: 'student', erasedAt, liveSignInIds: live, wasEnabled };
  }
  async disabledBefore(cutoff: Date, limit: number): Promise<string[]> {
    return [...this.accounts].filter(([, a]) => a.disabled && !a.erasedAt && a.disabledAt && a.disabledAt < cutoff).map(([id]) => id).slice(0, limit);
  }
}

function setUp(options: Partial<ErasureOptions> = {}) {
  const store = new FakeErasureStore(new Map([[student, { email: 'amara@uni.test', disabled: false, liveSignIns: ['s1', 's2'] }]]));
  const published: { subject: string; data: unknown; dedupKey: string }[] = [];
  const events: EventSink = { publish: async (subject, data, opts) => (published.push({ subject, data, dedupKey: opts.dedupKey }), {} as never) };
  const signIns = new RecordedEvents();
  const opts: ErasureOptions = { attendance: 'pseudonymised', retentionDays: 0, sweepEverySeconds: 3600, ...options };
  return { store, published, signIns, opts, service: new ErasureService(store, events, signIns, opts) };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('erasing a person', () => {
  it('ends their sign-ins, disables them and publishes account.erased once the store has erased them', async () => {
    const { service, published, signIns } = setUp();
    const reply = await service.erase({ actor: admin, targetUserId: student, confirmEmail: 'Amara@Uni.test' });
    expect(reply).toEqual({ userId: student, erasedAt: erasedAt.toISOString(), alreadyErased: false, attendance: 'pseudonymised' });
    expect(signIns.revocations).toEqual([{ userId: student, signInIds: ['s1', 's2'], everywhere: true, reason: 'account-disabled' }]);
    expect(signIns.statuses).toEqual([{ userId: student, disabled: true, changedBy: admin.userId }]);
    expect(published).toEqual([
      { subject: EventSubjects.accountErased, data: { userId: student, attendance: 'pseudonymised', erasedBy: admin.userId, erasedAt: erasedAt.toISOString() }, dedupKey: `account.erased:${student}` },
    ]);
  });

  it('a second erase changes nothing but publishes the same event again (same id), for a service that missed it', async () => {
    const { service, published, signIns } = setUp();
    await service.erase({ actor: admin, targetUserId: student, confirmEmail: 'amara@uni.test' });
    const again = await service.erase({ actor: admin, targetUserId: student, confirmEmail: 'anything@else.test' });
    expect(again.alreadyErased).toBe(true);
    expect(signIns.revocations).toHaveLength(1);
    expect(signIns.statuses).toHaveLength(1);
    expect(published.map((p) => p.dedupKey)).toEqual([`account.erased:${student}`, `account.erased:${student}`]);
  });

  it('refuses a wrong confirmation, an unknown account, a non-admin and erasing oneself, changing nothing', async () => {
    const { service, published, store } = setUp();
    expect(await codeOf(service.erase({ actor: admin, targetUserId: student, confirmEmail: 'someone@uni.test' }))).toBe(ErrorCode.CONFIRMATION_MISMATCH);
    expect(await codeOf(service.erase({ actor: admin, targetUserId: '99999999-9999-4999-8999-999999999999', confirmEmail: 'x@uni.test' }))).toBe(ErrorCode.USER_NOT_FOUND);
    expect(await codeOf(service.erase({ actor: { userId: student, role: 'teacher' }, targetUserId: student, confirmEmail: 'amara@uni.test' }))).toBe(ErrorCode.FORBIDDEN);
    expect(await codeOf(service.erase({ actor: admin, targetUserId: admin.userId, confirmEmail: 'admin@uni.test' }))).toBe(ErrorCode.FORBIDDEN);
    expect(published).toEqual([]);
    expect(store.accounts.get(student)!.erasedAt).toBeUndefined();
  });

  it('asks the store to remove enrollments only when attendance is removed, and says so in the event', async () => {
    const { service, store, published } = setUp({ attendance: 'removed' });
    await service.erase({ actor: admin, targetUserId: student, confirmEmail: 'amara@uni.test' });
    expect(store.calls).toEqual([{ userId: student, removeEnrollments: true }]);
    expect((published[0]!.data as { attendance: string }).attendance).toBe('removed');
  });
});

describe('account retention', () => {
  const day = 24 * 60 * 60 * 1000;
  const now = new Date('2026-12-07T08:00:00.000Z');

  it('erases, as the system, accounts disabled for longer than the retention period, and only those', async () => {
    const { store, published, opts } = setUp({ retentionDays: 30 });
    store.accounts.set('33333333-3333-4333-8333-333333333333', { email: 'old@uni.test', disabled: true, disabledAt: new Date(now.getTime() - 31 * day), liveSignIns: [] });
    store.accounts.set('44444444-4444-4444-8444-444444444444', { email: 'recent@uni.test', disabled: true, disabledAt: new Date(now.getTime() - 29 * day), liveSignIns: [] });
    const events: EventSink = { publish: async (subject, data, o) => (published.push({ subject, data, dedupKey: o.dedupKey }), {} as never) };
    const service = new ErasureService(store, events, new RecordedEvents(), opts);
    const sweep = new AccountRetentionSweep(store, service, new SettableClock(now), opts);
    expect(await sweep.sweepOnce()).toBe(1);
    expect(published.map((p) => p.data)).toEqual([expect.objectContaining({ userId: '33333333-3333-4333-8333-333333333333', erasedBy: SystemActorId })]);
    expect(store.accounts.get('44444444-4444-4444-8444-444444444444')!.erasedAt).toBeUndefined();
    expect(await sweep.sweepOnce()).toBe(0); // nothing left to erase
  });
});
