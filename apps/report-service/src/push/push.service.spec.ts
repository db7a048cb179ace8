import { describe, expect, it } from '@jest/globals';
import { SettableClock } from '@classconnect/config';
import { ErrorCode } from '@classconnect/contracts';
import { Presence, PushSender, PushStore, type StoredSubscription } from './push.ports.js';
import { PushService, endpointAllowed } from './push.service.js';

const hosts = ['fcm.googleapis.com', '*.push.apple.com'];
const ann = '40000000-0000-4000-8000-00000000000a';
const bob = '40000000-0000-4000-8000-00000000000b';
const sid = '50000000-0000-4000-8000-000000000001';
const keys = { p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) };

class MemoryStore extends PushStore {
  rows = new Map<string, StoredSubscription>();
  async save(s: StoredSubscription) {
    this.rows.set(s.endpoint, s);
  }
  async ofUsers(ids: string[]) {
    return [...this.rows.values()].filter((s) => ids.includes(s.userId));
  }
  async removeEndpoint(endpoint: string, userId?: string) {
    const s = this.rows.get(endpoint);
    if (!s || (userId && s.userId !== userId)) return false;
    return this.rows.delete(endpoint);
  }
  private removeWhere(f: (s: StoredSubscription) => boolean) {
    const gone = [...this.rows.values()].filter(f);
    for (const s of gone) this.rows.delete(s.endpoint);
    return gone.length;
  }
  async removeSignIns(userId: string, ids: string[]) {
    return this.removeWhere((s) => s.userId === userId && ids.includes(s.signInId ?? ''));
  }
  async removeUser(userId: string) {
    return this.removeWhere((s) => s.userId === userId);
  }
  async removeCredential(userId: string, credentialId: string) {
    return this.removeWhere((s) => s.userId === userId && s.credentialId === credentialId);
  }
  async markSent() {}
}

class ScriptedSender extends PushSender {
  sent: string[] = [];
  status = new Map<string, number>();
  async send(sub: { endpoint: string }, _payload: string) {
    this.sent.push(sub.endpoint);
    return this.status.get(sub.endpoint) ?? 201;
  }
}

class FixedPresence extends Presence {
  constructor(private readonly online: string[]) {
    super();
  }
  async connected(ids: string[]) {
    return new Set(ids.filter((id) => this.online.includes(id)));
  }
}

const config = { VAPID_PUBLIC_KEY: 'B'.repeat(87), VAPID_PRIVATE_KEY: 'k'.repeat(43), PUSH_SERVICE_HOSTS: hosts, PUSH_ALLOW_HTTP: false, PUSH_MAX_AGE_SECONDS: 600 };
const clock = new SettableClock(new Date('2026-03-02T09:00:30Z'));
const opened = { sessionId: '10000000-0000-4000-8000-000000000001', courseId: '20000000-0000-4000-8000-000000000001', courseCode: 'CS101', courseTitle: 'Computing', teacherId: bob, openedAt: '2026-03-02T09:00:00.000Z', radiusM: 50, enrolledStudentIds: [ann, bob] };

function setup(online: string[] = [], overrides: Partial<typeof config> = {}) {
  const store = new MemoryStore();
  const sender = new ScriptedSender();
  const service = new PushService(store, sender, new FixedPresence(online), clock, { ...config, ...overrides });
  return { store, sender, service };
}

describe('endpointAllowed', () => {
  it('takes https endpoints on the listed push services only', () => {
    expect(endpointAllowed('https://fcm.googleapis.com/fcm/send/abc', hosts, false)).toBe(true);
    expect(endpointAllowed('https://web.push.apple.com/QGx', hosts, false)).toBe(true);
    expect(endpointAllowed('https://push.apple.com.evil.test/x', hosts, false)).toBe(false);
    expect(endpointAllowed('https://evilpush.apple.com/x', hosts, false)).toBe(false);
    expect(endpointAllowed('http://fcm.googleapis.com/x', hosts, false)).toBe(false);
    expect(endpointAllowed('https://user:pw@fcm.googleapis.com/x', hosts, false)).toBe(false);
    expect(endpointAllowed('http://127.0.0.1:9/x', ['127.0.0.1:9'], true)).toBe(true);
    expect(endpointAllowed('http://169.254.169.254/', hosts, true)).toBe(false);
  });
});

describe('PushService', () => {
  const subscribe = (service: PushService, userId: string, n: number, extra: Partial<StoredSubscription> = {}) =>
    service.subscribe({ actor: { userId, role: 'student' }, subscription: { endpoint: `https://fcm.googleapis.com/fcm/send/${n}`, keys }, ...extra });

  it('notifies each subscribed device of the students with no socket open, and drops what the push service says is gone', async () => {
    const { sender, service, store } = setup([bob]);
    await subscribe(service, ann, 1);
    await subscribe(service, ann, 2);
    await subscribe(service, bob, 3);
    sender.status.set('https://fcm.googleapis.com/fcm/send/2', 410);
    await expect(service.sessionOpened(opened)).resolves.toEqual({ sent: 1, dropped: 1, skipped: 1 });
    expect(sender.sent.sort()).toEqual(['https://fcm.googleapis.com/fcm/send/1', 'https://fcm.googleapis.com/fcm/send/2']);
    expect([...store.rows.keys()].sort()).toEqual(['https://fcm.googleapis.com/fcm/send/1', 'https://fcm.googleapis.com/fcm/send/3']);
  });

  it('announces nothing for a session opened long ago, or without VAPID keys', async () => {
    const late = setup();
    await subscribe(late.service, ann, 1);
    await expect(late.service.sessionOpened({ ...opened, openedAt: '2026-03-02T08:40:00.000Z' })).resolves.toEqual({ sent: 0, dropped: 0, skipped: 0 });
    const off = setup([], { VAPID_PRIVATE_KEY: undefined as never });
    await expect(subscribe(off.service, ann, 1)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    expect(off.service.publicConfig({ userId: ann, role: 'student' })).toEqual({ publicKey: null });
  });

  it('refuses an endpoint that is no push service, and drops subscriptions with their sign-in or passkey', async () => {
    const { service, store } = setup();
    await expect(service.subscribe({ actor: { userId: ann, role: 'student' }, subscription: { endpoint: 'https://10.0.0.1/x', keys } })).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
    await subscribe(service, ann, 1, { signInId: sid });
    await subscribe(service, ann, 2, { credentialId: 'cred-1' });
    await subscribe(service, bob, 3, { signInId: sid });
    await service.signInRevoked({ userId: ann, signInIds: [sid], everywhere: false, reason: 'signed-out', revokedAt: '2026-03-02T09:00:00.000Z' });
    expect([...store.rows.keys()].map((e) => e.slice(-1)).sort()).toEqual(['2', '3']);
    await expect(service.credentialRemoved(ann, 'cred-1')).resolves.toEqual({ removed: 1 });
    await service.signInRevoked({ userId: bob, signInIds: [], everywhere: true, reason: 'account-disabled', revokedAt: '2026-03-02T09:00:00.000Z' });
    expect(store.rows.size).toBe(0);
  });

  it('lets a user remove only their own device’s subscription', async () => {
    const { service } = setup();
    await subscribe(service, ann, 1);
    await expect(service.unsubscribe({ userId: bob, role: 'student' }, 'https://fcm.googleapis.com/fcm/send/1')).resolves.toMatchObject({ removed: false });
    await expect(service.unsubscribe({ userId: ann, role: 'student' }, 'https://fcm.googleapis.com/fcm/send/1')).resolves.toMatchObject({ removed: true });
  });
});
