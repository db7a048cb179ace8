/** In-memory stand-ins for the passkey stores, identity-service and the device events, for unit specs. */
import type { CourseSummary, EventData, EventSubjects, RosterReply, UserSummary } from '@classconnect/contracts';
import type { IdentityClient } from '@classconnect/messaging';
import { CredentialRepository, type NewCredential, type StoredCredential } from '../credential.repository.js';
import { DeviceEvents } from '../device.events.js';
import { RegistrationChallengeRepository } from '../registration-challenge.repository.js';

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
    // Like Postgres: a passkey removed (or erased) while its check-in was decided is simply not updated.
    const c = this.byId.get(id);
    if (!c) return;
    c.counter = Math.max(c.counter, counter);
    c.lastUsedAt = at;
  }
  async remove(id: string, userId: string) {
    const c = this.byId.get(id);
    if (!c || c.userId !== userId) return false;
    this.byId.delete(id);
    return true;
  }
  async countByUsers(userIds: readonly string[]) {
    const counts = new Map<string, { userId: string; approved: number; pending: number }>();
    for (const c of this.byId.values()) {
      if (!userIds.includes(c.userId) || c.status === 'denied') continue;
      const entry = counts.get(c.userId) ?? { userId: c.userId, approved: 0, pending: 0 };
      entry[c.status]++;
      counts.set(c.userId, entry);
    }
    return [...counts.values()];
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

export class MemoryRegistrationChallenges extends RegistrationChallengeRepository {
  private readonly byUser = new Map<string, string>();
  async save(userId: string, challenge: string) {
    this.byUser.set(userId, challenge);
  }
  async take(userId: string) {
    const c = this.byUser.get(userId) ?? null;
    this.byUser.delete(userId);
    return c;
  }
}

/**
 * identity-service as the spec sets it up: courses with their teachers and students. `client` is
 * this fake where an IdentityClient is asked for: it has every method the passkey services call.
 */
export class FakeIdentityClient implements Pick<IdentityClient, 'coursesOf' | 'roster' | 'users'> {
  readonly client = this as unknown as IdentityClient;
  readonly courses = new Map<string, { code: string; teachers: string[]; students: UserSummary[] }>();
  async coursesOf(userId: string): Promise<CourseSummary[]> {
    return [...this.courses.entries()].flatMap(([id, c]): CourseSummary[] =>
      c.teachers.includes(userId)
        ? [{ id, code: c.code, title: c.code, relation: 'teacher' as const }]
        : c.students.some((s) => s.id === userId)
          ? [{ id, code: c.code, title: c.code, relation: 'student' as const }]
          : [],
    );
  }
  async roster(courseId: string): Promise<RosterReply['students']> {
    return (this.courses.get(courseId)?.students ?? []).map(({ id, name, email }) => ({ id, name, email }));
  }
  async users(userIds: readonly string[]): Promise<UserSummary[]> {
    return [...this.courses.values()].flatMap((c) => c.students).filter((u, i, all) => userIds.includes(u.id) && all.findIndex((x) => x.id === u.id) === i);
  }
}

export class RecordingDeviceEvents extends DeviceEvents {
  readonly requested: EventData<typeof EventSubjects.deviceApprovalRequested>[] = [];
  readonly decidedFacts: EventData<typeof EventSubjects.deviceDecided>[] = [];
  async approvalRequested(fact: EventData<typeof EventSubjects.deviceApprovalRequested>) {
    this.requested.push(fact);
  }
  async decided(fact: EventData<typeof EventSubjects.deviceDecided>) {
    this.decidedFacts.push(fact);
  }
}
