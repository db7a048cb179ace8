import { CredentialRepository, type NewCredential, type StoredCredential } from '../credential.repository.js';

/** The credential store in memory, with the same binding rule as Postgres: for unit specs. */
export class MemoryCredentials extends CredentialRepository {
  readonly byId = new Map<string, StoredCredential>();
  readonly bound = new Set<string>();
  private tick = 0;

  async findById(id: string) {
    return this.byId.get(id) ?? null;
  }
  async listByUser(userId: string) {
    return [...this.byId.values()].filter((c) => c.userId === userId);
  }
  async insert(c: NewCredential, laterNeedsApproval = false) {
    if (this.byId.has(c.id)) return null;
    const first = !this.bound.has(c.userId);
    this.bound.add(c.userId);
    // Distinct creation times, so "oldest first" is well defined.
    const stored: StoredCredential = { ...c, createdAt: new Date(Date.UTC(2026, 0, 1, 8, 0, this.tick++)), status: first || !laterNeedsApproval ? 'approved' : 'pending' };
    this.byId.set(c.id, stored);
    return stored;
  }
  async recordUse(id: string, counter: number, at: Date) {
    const c = this.byId.get(id)!;
    c.counter = Math.max(c.counter, counter);
    c.lastUsedAt = at;
  }
  async remove(id: string, userId: string) {
    const c = this.byId.get(id);
    if (!c || c.userId !== userId) return false;
    this.byId.delete(id);
    return true;
  }
  async listPending(userIds?: string[]) {
    return [...this.byId.values()].filter((c) => c.status === 'pending' && (!userIds || userIds.includes(c.userId)));
  }
  async decide(id: string, status: 'approved' | 'denied', by: string, at: Date) {
    const c = this.byId.get(id);
    if (!c) return null;
    if (c.status === 'pending') Object.assign(c, { status, decidedBy: by, decidedAt: at });
    return c;
  }
}
