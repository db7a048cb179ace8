/** An in-memory stand-in for UserRepository, with the same semantics as the Postgres one where the unit specs look. */
import { randomUUID } from 'node:crypto';
import type { AccountView, Role, UserSummary } from '@classconnect/contracts';
import {
  NoPasswordHash,
  UserRepository,
  type AccountChanges,
  type AccountSearch,
  type ExternalIdentity,
  type NewAccount,
  type ProvisionedUser,
  type UserRecord,
} from '../user.repository.js';

const summary = ({ id, email, name, role }: UserRecord): UserSummary => ({ id, email, name, role });
const view = (u: UserRecord): AccountView => ({ ...summary(u), disabled: u.disabled, hasPassword: u.passwordHash !== null, createdAt: 'now' });
const byNameThenId = (a: { name: string; id: string }, b: { name: string; id: string }) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

export class FakeUserRepository extends UserRepository {
  /** `issuer subject` → user id: the identity provider's links (FakeExternalIdentityRepository writes here too). */
  readonly links = new Map<string, string>();
  readonly searches: AccountSearch[] = [];

  constructor(readonly users: UserRecord[] = []) {
    super();
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    return this.users.find((u) => u.email === email.toLowerCase()) ?? null;
  }
  async findById(id: string): Promise<UserRecord | null> {
    return this.users.find((u) => u.id === id) ?? null;
  }
  async findByExternal({ issuer, subject }: ExternalIdentity): Promise<UserRecord | null> {
    const id = this.links.get(`${issuer} ${subject}`);
    return id ? this.findById(id) : null;
  }
  async createLinked({ issuer, subject }: ExternalIdentity, email: string, name: string, role: Role): Promise<UserRecord | null> {
    if (this.users.some((u) => u.email === email.toLowerCase())) return null;
    const user = this.add({ email, name, role, passwordHash: NoPasswordHash });
    this.links.set(`${issuer} ${subject}`, user.id);
    return user;
  }
  async setDisabled(id: string, disabled: boolean): Promise<boolean | null> {
    const user = this.users.find((u) => u.id === id);
    if (!user) return null;
    const previous = user.disabled;
    user.disabled = disabled;
    return previous;
  }

  async findByIds(ids: readonly string[]): Promise<UserSummary[]> {
    return this.users.filter((u) => ids.includes(u.id)).map(summary).sort(byNameThenId);
  }
  async findByEmails(emails: readonly string[]): Promise<UserSummary[]> {
    return this.users.filter((u) => emails.includes(u.email)).map(summary);
  }
  async notTeachers(ids: readonly string[]): Promise<string[]> {
    return [...new Set(ids)].filter((id) => !this.users.some((u) => u.id === id && u.role === 'teacher'));
  }
  async names(ids: readonly string[]): Promise<Map<string, string>> {
    return new Map(this.users.filter((u) => ids.includes(u.id)).map((u) => [u.id, u.name]));
  }

  async create(a: NewAccount): Promise<AccountView | null> {
    if (this.users.some((u) => u.email === a.email)) return null;
    return view(this.add(a));
  }
  async update(id: string, c: AccountChanges): Promise<AccountView | null> {
    const user = this.users.find((u) => u.id === id);
    if (!user) return null;
    Object.assign(user, c.name ? { name: c.name } : {}, c.role ? { role: c.role } : {}, c.passwordHash ? { passwordHash: c.passwordHash } : {});
    return view(user);
  }
  async search(s: AccountSearch): Promise<{ users: AccountView[]; total: number }> {
    this.searches.push(s);
    const q = s.query?.toLowerCase();
    const found = this.users.filter((u) => (!q || u.name.toLowerCase().includes(q) || u.email.includes(q)) && (!s.role || u.role === s.role));
    return { users: found.slice(s.offset, s.offset + s.limit).map(view), total: found.length };
  }

  async createStudents(accounts: readonly { email: string; name: string }[]): Promise<{ id: string; email: string }[]> {
    const fresh = accounts.filter((a) => !this.users.some((u) => u.email === a.email));
    return fresh.map((a) => this.add({ ...a, role: 'student', passwordHash: null })).map(({ id, email }) => ({ id, email }));
  }
  async upsert(user: ProvisionedUser): Promise<string> {
    const found = this.users.find((u) => u.email === user.email.toLowerCase());
    if (!found) return this.add(user).id;
    Object.assign(found, { name: user.name, role: user.role, passwordHash: user.passwordHash, disabled: false });
    return found.id;
  }
  async insertMany(users: readonly ProvisionedUser[]): Promise<string[]> {
    return users.map((u) => this.add(u).id);
  }

  private add(a: { email: string; name: string; role: Role; passwordHash: string | null }): UserRecord {
    const user: UserRecord = { id: randomUUID(), email: a.email.toLowerCase(), name: a.name, role: a.role, passwordHash: a.passwordHash, disabled: false };
    this.users.push(user);
    return user;
  }
}
