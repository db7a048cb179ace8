import { describe, expect, it } from '@jest/globals';
import { ErrorCode, type AccountView, type Actor } from '@classconnect/contracts';
import { PasswordHasher } from '../accounts/password-hasher.js';
import { PeopleRepository, type AccountChanges, type AccountSearch, type NewAccount } from './people.repository.js';
import { PeopleService, type EventSink } from './people.service.js';

const admin: Actor = { userId: '11111111-1111-4111-8111-111111111111', role: 'admin' };
const teacher: Actor = { userId: '22222222-2222-4222-8222-222222222222', role: 'teacher' };
const student: Actor = { userId: '33333333-3333-4333-8333-333333333333', role: 'student' };

class FakeHasher extends PasswordHasher {
  async hash(p: string) {
    return `hashed:${p}`;
  }
  async verify(h: string, p: string) {
    return h === `hashed:${p}`;
  }
}

class FakePeople extends PeopleRepository {
  readonly rows = new Map<string, AccountView & { passwordHash: string | null }>();
  searches: AccountSearch[] = [];
  async create(a: NewAccount) {
    if ([...this.rows.values()].some((r) => r.email === a.email)) return null;
    const id = `00000000-0000-4000-8000-${String(this.rows.size + 1).padStart(12, '0')}`;
    const row = { id, email: a.email, name: a.name, role: a.role, disabled: false, hasPassword: a.passwordHash !== null, createdAt: 'now', passwordHash: a.passwordHash };
    this.rows.set(id, row);
    const { passwordHash: _, ...view } = row;
    return view;
  }
  async update(id: string, c: AccountChanges) {
    const row = this.rows.get(id);
    if (!row) return null;
    Object.assign(row, c.name ? { name: c.name } : {}, c.role ? { role: c.role } : {}, c.passwordHash ? { passwordHash: c.passwordHash, hasPassword: true } : {});
    const { passwordHash: _, ...view } = row;
    return view;
  }
  async search(s: AccountSearch) {
    this.searches.push(s);
    return { users: [], total: 0 };
  }
}

function setup() {
  const people = new FakePeople();
  const published: { subject: string; data: unknown }[] = [];
  const events: EventSink = { publish: async (subject, data) => (published.push({ subject, data }), {} as never) };
  return { people, published, service: new PeopleService(people, new FakeHasher(), events) };
}

describe('PeopleService', () => {
  it('creates an account (argon2 hash, no password allowed), publishes who did it, and refuses a taken email', async () => {
    const { people, published, service } = setup();
    const made = await service.create({ actor: admin, email: 'ada@uni.test', name: 'Ada', role: 'teacher', password: 'long-enough' });
    expect(made).toMatchObject({ email: 'ada@uni.test', hasPassword: true });
    expect(people.rows.get(made.id)?.passwordHash).toBe('hashed:long-enough');
    const sso = await service.create({ actor: admin, email: 'sso@uni.test', name: 'Sso', role: 'student' });
    expect(sso.hasPassword).toBe(false);
    expect(published).toEqual([
      { subject: 'directory.account.created.v1', data: expect.objectContaining({ userId: made.id, role: 'teacher', hasPassword: true, changedBy: admin.userId }) },
      { subject: 'directory.account.created.v1', data: expect.objectContaining({ userId: sso.id, hasPassword: false }) },
    ]);
    await expect(service.create({ actor: admin, email: 'ada@uni.test', name: 'Other', role: 'student' })).rejects.toMatchObject({ code: ErrorCode.EMAIL_TAKEN });
    expect(published).toHaveLength(2);
  });

  it('lets only admins create or change accounts', async () => {
    const { service } = setup();
    for (const actor of [teacher, student]) {
      await expect(service.create({ actor, email: 'x@uni.test', name: 'X', role: 'admin' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(service.update({ actor, targetUserId: admin.userId, role: 'student' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    }
  });

  it('changes name, role and password, never publishing the password, and refuses unknown accounts and self-demotion', async () => {
    const { published, service } = setup();
    const made = await service.create({ actor: admin, email: 'ada@uni.test', name: 'Ada', role: 'student' });
    const changed = await service.update({ actor: admin, targetUserId: made.id, role: 'teacher', password: 'new-password' });
    expect(changed).toMatchObject({ role: 'teacher', hasPassword: true });
    expect(published[1]).toEqual({ subject: 'directory.account.updated.v1', data: expect.objectContaining({ changes: { role: 'teacher', passwordChanged: true } }) });
    expect(JSON.stringify(published)).not.toContain('new-password');
    await expect(service.update({ actor: admin, targetUserId: '99999999-9999-4999-8999-999999999999', name: 'N' })).rejects.toMatchObject({ code: ErrorCode.USER_NOT_FOUND });
    await expect(service.update({ actor: admin, targetUserId: admin.userId, role: 'teacher' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(service.update({ actor: admin, targetUserId: made.id })).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
  });

  it('lets teachers look up students only, by a search of 3 characters, 20 at most; students not at all', async () => {
    const { people, service } = setup();
    await service.list({ actor: teacher, query: 'okafor', limit: 200, offset: 0 });
    expect(people.searches.at(-1)).toEqual({ query: 'okafor', role: 'student', limit: 20, offset: 0 });
    await expect(service.list({ actor: teacher, query: 'ok', limit: 10, offset: 0 })).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
    await expect(service.list({ actor: teacher, query: 'okafor', role: 'teacher', limit: 10, offset: 0 })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(service.list({ actor: student, query: 'okafor', limit: 10, offset: 0 })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await service.list({ actor: admin, role: 'teacher', limit: 100, offset: 5 });
    expect(people.searches.at(-1)).toEqual({ query: undefined, role: 'teacher', limit: 100, offset: 5 });
  });
});
