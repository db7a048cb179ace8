import type { FenceDistanceReply } from '@classconnect/contracts';
import type { SessionClient } from '@classconnect/messaging';
import { FlagStateRepository, type AccountUse, type CheckinStop, type Sighting, type SightingOutcome } from '../flag-state.repository.js';

/** The flags' state in memory, with the rules of the Redis scripts (../flag-state.repository.ts). For unit specs. */
export class MemoryFlagState extends FlagStateRepository {
  readonly keys = new Map<string, Buffer>();
  readonly positions = new Map<string, Map<string, (Sighting & { by?: string })[]>>();
  readonly devices = new Map<string, Map<string, (Sighting & { by?: string })[]>>();
  readonly stops = new Map<string, { last?: CheckinStop; prev?: CheckinStop }>();
  readonly uses = new Map<string, AccountUse[]>();

  async sessionKey(sessionId: string) {
    if (!this.keys.has(sessionId)) this.keys.set(sessionId, Buffer.from(sessionId.padEnd(32, 'k')));
    return this.keys.get(sessionId)!;
  }
  sightPosition(sessionId: string, digest: string, s: Sighting) {
    return Promise.resolve(sight(this.positions, sessionId, digest, s, 0));
  }
  sightDevice(sessionId: string, digest: string, s: Sighting, windowMs: number) {
    return Promise.resolve(sight(this.devices, sessionId, digest, s, windowMs));
  }
  async recordStop(studentId: string, stop: CheckinStop) {
    const state = this.stops.get(studentId) ?? {};
    if (state.last?.submissionId !== stop.submissionId) {
      state.prev = state.last;
      state.last = stop;
    }
    this.stops.set(studentId, state);
    return state.prev ? { ...state.prev, sessionOpen: this.keys.has(state.prev.sessionId) } : null;
  }
  async recordUse(sessionId: string, studentId: string, use: AccountUse) {
    const key = `${sessionId}:${studentId}`;
    const list = this.uses.get(key) ?? [];
    if (!(use.submissionId && list.some((u) => u.submissionId === use.submissionId))) list.push(use);
    this.uses.set(key, list);
    return [...list];
  }
  async forgetSession(sessionId: string) {
    this.keys.delete(sessionId);
    this.positions.delete(sessionId);
    this.devices.delete(sessionId);
    for (const k of [...this.uses.keys()]) if (k.startsWith(`${sessionId}:`)) this.uses.delete(k);
  }
}

function sight(store: Map<string, Map<string, (Sighting & { by?: string })[]>>, sessionId: string, digest: string, me: Sighting, windowMs: number): SightingOutcome {
  const byDigest = store.get(sessionId) ?? new Map<string, (Sighting & { by?: string })[]>();
  store.set(sessionId, byDigest);
  const list = byDigest.get(digest) ?? [];
  byDigest.set(digest, list);
  let mine = list.find((e) => e.submissionId === me.submissionId);
  if (!mine) list.push((mine = { ...me }));
  const others = list.filter((e) => e.studentId !== mine.studentId && (windowMs === 0 || Math.abs(e.at - mine.at) <= windowMs));
  for (const e of others) e.by ??= mine.submissionId;
  if (others.length && !mine.by) mine.by = mine.submissionId;
  const plain = (e: Sighting) => ({ studentId: e.studentId, submissionId: e.submissionId, at: e.at });
  return { others: others.map(plain), newlyFlagged: others.filter((e) => e.by === mine.submissionId).map(plain) };
}

/**
 * session-service's fence distances, set by the spec; unknown pairs are not known. `client` is this
 * fake where a SessionClient is asked for: it has every method the flags call.
 */
export class FakeFences implements Pick<SessionClient, 'fenceDistance'> {
  readonly client = this as unknown as SessionClient;
  readonly pairs = new Map<string, FenceDistanceReply>();
  set(a: string, b: string, reply: FenceDistanceReply) {
    this.pairs.set(`${a}:${b}`, reply);
    this.pairs.set(`${b}:${a}`, reply);
  }
  async fenceDistance(a: string, b: string): Promise<FenceDistanceReply> {
    return this.pairs.get(`${a}:${b}`) ?? { known: false };
  }
}
