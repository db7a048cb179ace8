import { describe, expect, it, jest } from '@jest/globals';
import { SettableClock } from '@classconnect/config';
import { CredentialCache } from './credential-cache.js';
import { CachingCredentialRepository, GroupCommit } from './credential.repository.js';
import { MemoryCredentialChangeBus, copying } from './testing/credential-bus.js';
import { MemoryCredentials } from './testing/fakes.js';

const alice = '00000000-0000-4000-8000-00000000000a';
const bob = '00000000-0000-4000-8000-00000000000b';
const key = new Uint8Array([1, 2, 3]);

/** Two instances of verification-service over one store and one bus. */
async function twoInstances() {
  const memory = new MemoryCredentials();
  const store = copying(memory);
  const bus = new MemoryCredentialChangeBus();
  const clock = new SettableClock();
  const instance = () => {
    const cache = new CredentialCache(bus, clock);
    cache.onModuleInit();
    return { cache, repo: new CachingCredentialRepository(store, cache) };
  };
  await memory.insert({ id: 'a1', userId: alice, publicKey: key, counter: 0, transports: [], deviceName: 'phone' });
  await memory.insert({ id: 'b1', userId: bob, publicKey: key, counter: 0, transports: [], deviceName: 'phone' });
  await memory.insert({ id: 'b2', userId: bob, publicKey: key, counter: 0, transports: [], deviceName: 'laptop' }, true);
  return { memory, store, bus, clock, a: instance(), b: instance() };
}

describe('CachingCredentialRepository', () => {
  it('reads a passkey from the store once, then from memory', async () => {
    const { memory, a } = await twoInstances();
    const spy = jest.spyOn(memory, 'findById');
    expect(await a.repo.findById('a1')).toMatchObject({ id: 'a1', userId: alice, status: 'approved' });
    expect(await a.repo.findById('a1')).toMatchObject({ id: 'a1' });
    expect(spy).toHaveBeenCalledTimes(1);
    // An unknown passkey is asked for every time: one registered meanwhile must be found.
    expect(await a.repo.findById('nope')).toBeNull();
    expect(await a.repo.findById('nope')).toBeNull();
    expect(spy).toHaveBeenCalledTimes(3);
  });

  it('forgets a removed passkey on every instance', async () => {
    const { a, b } = await twoInstances();
    await a.repo.findById('a1');
    await b.repo.findById('a1');
    expect(await a.repo.remove('a1', alice)).toBe(true);
    expect(await a.repo.findById('a1')).toBeNull();
    expect(await b.repo.findById('a1')).toBeNull();
  });

  it('shows every instance a device decision at once', async () => {
    const { a, b } = await twoInstances();
    expect(await b.repo.findById('b2')).toMatchObject({ status: 'pending' });
    await a.repo.decide('b2', 'denied', alice, new Date());
    expect(await b.repo.findById('b2')).toMatchObject({ status: 'denied' });
    expect(await a.repo.findById('b2')).toMatchObject({ status: 'denied' });
  });

  it('forgets an erased person’s passkeys on every instance, and nobody else’s', async () => {
    const { memory, a, b } = await twoInstances();
    await b.repo.findById('b1');
    await b.repo.findById('a1');
    memory.byId.delete('b1');
    memory.byId.delete('b2');
    a.cache.userErased(bob);
    const spy = jest.spyOn(memory, 'findById');
    expect(await b.repo.findById('b1')).toBeNull();
    expect(await b.repo.findById('a1')).toMatchObject({ id: 'a1' });
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('keeps the counter of a use on the instance that recorded it, and makes the others read it again', async () => {
    const { memory, a, b } = await twoInstances();
    await a.repo.findById('a1');
    await b.repo.findById('a1');
    await Promise.all([a.repo.recordUse('a1', 7, new Date('2026-01-05T09:00:05Z')), a.repo.recordUse('a1', 6, new Date('2026-01-05T09:00:01Z'))]);
    const spy = jest.spyOn(memory, 'findById');
    expect(await a.repo.findById('a1')).toMatchObject({ counter: 7, lastUsedAt: new Date('2026-01-05T09:00:05Z') });
    expect(spy).not.toHaveBeenCalled();
    expect(await b.repo.findById('a1')).toMatchObject({ counter: 7 });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(memory.byId.get('a1')!.counter).toBe(7);
  });

  it('lists a person’s passkeys for a check-in from memory until one is registered, removed or decided on any instance', async () => {
    const { memory, a, b } = await twoInstances();
    const spy = jest.spyOn(memory, 'listByUser');
    const ids = async (repo: CachingCredentialRepository) => (await repo.listForCheckin(bob)).map((c) => `${c.id}:${c.status}`);
    expect(await ids(b.repo)).toEqual(['b1:approved', 'b2:pending']);
    expect(await ids(b.repo)).toEqual(['b1:approved', 'b2:pending']);
    expect(spy).toHaveBeenCalledTimes(1);
    await a.repo.decide('b2', 'approved', alice, new Date());
    expect(await ids(b.repo)).toEqual(['b1:approved', 'b2:approved']);
    await a.repo.insert({ id: 'b3', userId: bob, publicKey: key, counter: 0, transports: [], deviceName: 'tablet' });
    expect(await ids(b.repo)).toEqual(['b1:approved', 'b2:approved', 'b3:approved']);
    await a.repo.remove('b1', bob);
    expect(await ids(b.repo)).toEqual(['b2:approved', 'b3:approved']);
    expect(spy).toHaveBeenCalledTimes(4);
    // Someone else's list stays remembered.
    await b.repo.listForCheckin(alice);
    await a.repo.remove('b2', bob);
    await b.repo.listForCheckin(alice);
    expect(spy).toHaveBeenCalledTimes(5);
  });

  it('brings a read that raced a use recorded here up to that use’s counter', async () => {
    const { memory, a } = await twoInstances();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // The read sees the counter before the use, and answers only after the use was recorded.
    jest.spyOn(memory, 'findById').mockImplementationOnce(async (id) => {
      const before = { ...memory.byId.get(id)! };
      await gate;
      return before;
    });
    const reading = a.repo.findById('a1');
    await a.repo.recordUse('a1', 9, new Date());
    release();
    expect(await reading).toMatchObject({ counter: 9 });
    expect(await a.repo.findById('a1')).toMatchObject({ counter: 9 });
  });

  it('does not announce the uses of a passkey without a counter', async () => {
    const { bus, a } = await twoInstances();
    await a.repo.recordUse('a1', 0, new Date());
    expect(bus.announced).toEqual([]);
  });

  it('does not keep what it read while the passkey changed', async () => {
    const { memory, a, b } = await twoInstances();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // The read sees the passkey as it is now, and answers only after the decision below.
    const slow = jest.spyOn(memory, 'findById').mockImplementationOnce(async (id) => {
      const before = { ...memory.byId.get(id)! };
      await gate;
      return before;
    });
    const reading = b.repo.findById('b2');
    await a.repo.decide('b2', 'approved', alice, new Date());
    release();
    expect(await reading).toMatchObject({ status: 'pending' });
    slow.mockRestore();
    expect(await b.repo.findById('b2')).toMatchObject({ status: 'approved' });
  });

  it('forgets everything when announcements may have been missed, and after its time', async () => {
    const { memory, bus, clock, a } = await twoInstances();
    const spy = jest.spyOn(memory, 'findById');
    await a.repo.findById('a1');
    bus.gap();
    await a.repo.findById('a1');
    expect(spy).toHaveBeenCalledTimes(2);
    clock.advance(7 * 60 * 60 * 1000);
    await a.repo.findById('a1');
    expect(spy).toHaveBeenCalledTimes(3);
  });
});

describe('GroupCommit', () => {
  it('hands what was added in one turn to one flush, and each add settles with its batch', async () => {
    const flushed: number[][] = [];
    const batch = new GroupCommit<number>(async (items) => {
      flushed.push(items);
      if (items.includes(13)) throw new Error('unlucky');
    });
    await Promise.all([batch.add(1), batch.add(2), batch.add(3)]);
    const failing = Promise.allSettled([batch.add(12), batch.add(13)]);
    expect((await failing).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await batch.add(4);
    expect(flushed).toEqual([[1, 2, 3], [12, 13], [4]]);
  });

  it('lets one flush run at a time: what is added meanwhile waits and goes in the next one, together', async () => {
    const flushed: number[][] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const batch = new GroupCommit<number>(async (items) => {
      flushed.push(items);
      if (flushed.length === 1) await held;
    });
    const first = batch.add(1);
    await new Promise((r) => setImmediate(r));
    expect(flushed).toEqual([[1]]);
    const later = [batch.add(2)];
    await new Promise((r) => setImmediate(r));
    later.push(batch.add(3));
    await new Promise((r) => setImmediate(r));
    expect(flushed).toEqual([[1]]); // 2 and 3 wait for the running flush
    release();
    await Promise.all([first, ...later]);
    expect(flushed).toEqual([[1], [2, 3]]);
  });

  it('gives each add of a reading flush its own result, in the order added', async () => {
    const reads = new GroupCommit<string, number>(async (words) => words.map((w) => w.length));
    await expect(Promise.all([reads.add('a'), reads.add('abc'), reads.add(''), reads.add('abc')])).resolves.toEqual([1, 3, 0, 3]);
  });
});
