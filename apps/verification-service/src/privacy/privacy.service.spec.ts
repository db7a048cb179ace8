import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { ErrorCode, type Actor } from '@classconnect/contracts';
import { VerificationPrivacyService } from './privacy.service.js';
import { MemoryPersonKeys, MemoryPersonRecords } from './testing/fakes.js';

describe('verification privacy: export and erasure of a person', () => {
  let records: MemoryPersonRecords;
  let keys: MemoryPersonKeys;
  let privacy: VerificationPrivacyService;
  const ada: Actor = { userId: randomUUID(), role: 'student' };
  const bea: Actor = { userId: randomUUID(), role: 'student' };
  const admin: Actor = { userId: randomUUID(), role: 'admin' };
  const boundAt = new Date('2026-09-01T08:00:00Z');

  beforeEach(() => {
    records = new MemoryPersonRecords();
    keys = new MemoryPersonKeys();
    privacy = new VerificationPrivacyService(records, keys);
    records.passkeys.set(ada.userId, [
      { id: 'cred-1', deviceName: 'Phone', status: 'approved', createdAt: boundAt, lastUsedAt: new Date('2026-09-02T09:00:00Z'), decidedAt: null },
      { id: 'cred-2', deviceName: 'Tablet', status: 'denied', createdAt: new Date('2026-09-03T08:00:00Z'), lastUsedAt: null, decidedAt: new Date('2026-09-03T10:00:00Z') },
    ]);
    records.bindings.set(ada.userId, boundAt);
    keys.users.add(ada.userId);
  });

  it('gives the person, or an admin, the passkeys with their times in ISO form', async () => {
    const expected = {
      passkeys: [
        { id: 'cred-1', deviceName: 'Phone', status: 'approved', createdAt: '2026-09-01T08:00:00.000Z', lastUsedAt: '2026-09-02T09:00:00.000Z', decidedAt: null },
        { id: 'cred-2', deviceName: 'Tablet', status: 'denied', createdAt: '2026-09-03T08:00:00.000Z', lastUsedAt: null, decidedAt: '2026-09-03T10:00:00.000Z' },
      ],
      deviceBoundAt: '2026-09-01T08:00:00.000Z',
    };
    await expect(privacy.export({ actor: ada, userId: ada.userId })).resolves.toEqual(expected);
    await expect(privacy.export({ actor: admin, userId: ada.userId })).resolves.toEqual(expected);
    await expect(privacy.export({ actor: admin, userId: bea.userId })).resolves.toEqual({ passkeys: [], deviceBoundAt: null });
  });

  it('refuses anyone else', async () => {
    await expect(privacy.export({ actor: bea, userId: ada.userId })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(privacy.export({ actor: { userId: randomUUID(), role: 'teacher' }, userId: ada.userId })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
  });

  it('erases the passkeys, the binding and the keys of that person only, and finds nothing the second time', async () => {
    records.passkeys.set(bea.userId, [{ id: 'cred-3', deviceName: 'Laptop', status: 'approved', createdAt: boundAt, lastUsedAt: null, decidedAt: null }]);
    records.bindings.set(bea.userId, boundAt);
    keys.users.add(bea.userId);

    await privacy.erase(ada.userId);
    expect(await privacy.export({ actor: ada, userId: ada.userId })).toEqual({ passkeys: [], deviceBoundAt: null });
    expect(keys.users.has(ada.userId)).toBe(false);
    expect((await privacy.export({ actor: bea, userId: bea.userId })).passkeys).toHaveLength(1);
    expect(keys.users.has(bea.userId)).toBe(true);

    await expect(privacy.erase(ada.userId)).resolves.toBeUndefined();
    expect(records.bindings.has(bea.userId)).toBe(true);
  });
});
