import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { SettableClock } from '@classconnect/config';
import { ErrorCode, type Actor, type UserSummary } from '@classconnect/contracts';
import { SoftAuthenticator } from '@classconnect/testing';
import { DeviceApprovalService } from './device-approval.service.js';
import { PasskeysService } from './passkeys.service.js';
import { FakeIdentityClient, MemoryCredentials, MemoryRegistrationChallenges, RecordingDeviceEvents } from './testing/fakes.js';

const origin = 'http://localhost:3000';

const student = (name: string): UserSummary => ({ id: randomUUID(), name, email: `${name.toLowerCase()}@uni.test`, role: 'student' });

describe('device binding: new passkeys and their approval', () => {
  let credentials: MemoryCredentials;
  let identity: FakeIdentityClient;
  let events: RecordingDeviceEvents;
  let devices: DeviceApprovalService;
  const passkeysWith = (policy: 'approval' | 'allow') =>
    new PasskeysService(
      credentials,
      new MemoryRegistrationChallenges(),
      identity.client,
      { WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_RP_NAME: 'ClassConnect', WEBAUTHN_ORIGINS: [origin], NEW_DEVICE_POLICY: policy },
      events,
    );
  let passkeys: PasskeysService;
  const [a, b, c] = [student('Ada'), student('Bea'), student('Cy')];
  const [t1, t2, admin]: Actor[] = [
    { userId: randomUUID(), role: 'teacher' },
    { userId: randomUUID(), role: 'teacher' },
    { userId: randomUUID(), role: 'admin' },
  ];
  const actorOf = (u: UserSummary): Actor => ({ userId: u.id, role: 'student' });
  let cs101: string;

  async function addDevice(who: Actor, service = passkeys) {
    const options = await service.registrationOptions(who);
    const response = await new SoftAuthenticator().createCredential(options, { origin });
    return service.register(who, response, 'Phone');
  }

  beforeEach(() => {
    credentials = new MemoryCredentials();
    identity = new FakeIdentityClient();
    events = new RecordingDeviceEvents();
    cs101 = randomUUID();
    // Two courses: CS101 (teacher T1, students A and B) and MA201 (teacher T2, student C).
    identity.courses.set(cs101, { code: 'CS101', teachers: [t1!.userId], students: [a, b] });
    identity.courses.set(randomUUID(), { code: 'MA201', teachers: [t2!.userId], students: [c] });
    passkeys = passkeysWith('approval');
    devices = new DeviceApprovalService(credentials, identity.client, events, new SettableClock(new Date('2026-03-02T09:00:00.000Z')));
  });

  it('approves a student’s first passkey; a second one waits, and its request names the student’s courses', async () => {
    await expect(addDevice(actorOf(a))).resolves.toMatchObject({ status: 'approved' });
    expect(events.requested).toEqual([]);
    const second = await addDevice(actorOf(a));
    expect(second.status).toBe('pending');
    expect(events.requested).toEqual([{ credentialId: second.credentialId, studentId: a.id, deviceName: 'Phone', requestedAt: second.createdAt, courseIds: [cs101] }]);
    const { passkeys: list } = await passkeys.list(actorOf(a));
    expect(list.map((p) => p.status)).toEqual(['approved', 'pending']);
  });

  it('keeps the binding after every passkey is removed: a new one still waits', async () => {
    const first = await addDevice(actorOf(a));
    await expect(passkeys.remove(actorOf(a), first.credentialId)).resolves.toEqual({ credentialId: first.credentialId, removed: true });
    await expect(addDevice(actorOf(a))).resolves.toMatchObject({ status: 'pending' });
  });

  it('lets a student remove only their own passkeys', async () => {
    const mine = await addDevice(actorOf(a));
    await expect(passkeys.remove(actorOf(b), mine.credentialId)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    expect(await credentials.findById(mine.credentialId)).not.toBeNull();
  });

  it('approves every passkey at once under the policy `allow`, and never asks for teachers’ passkeys', async () => {
    const open = passkeysWith('allow');
    await addDevice(actorOf(a), open);
    await expect(addDevice(actorOf(a), open)).resolves.toMatchObject({ status: 'approved' });
    await addDevice(t1!);
    await expect(addDevice(t1!)).resolves.toMatchObject({ status: 'approved' });
    expect(events.requested).toEqual([]);
  });

  it('lists pending devices: a teacher sees their own courses’ students, an admin everyone, a student nothing', async () => {
    for (const s of [a, c]) {
      await addDevice(actorOf(s));
      await addDevice(actorOf(s));
    }
    const forT1 = await devices.pending(t1!);
    expect(forT1.devices).toEqual([expect.objectContaining({ studentId: a.id, studentName: 'Ada', studentEmail: 'ada@uni.test', courseCodes: ['CS101'] })]);
    expect((await devices.pending(t2!)).devices.map((d) => d.studentId)).toEqual([c.id]);
    expect((await devices.pending(admin!)).devices.map((d) => d.studentName).sort()).toEqual(['Ada', 'Cy']);
    await expect(devices.pending(actorOf(a))).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
  });

  it('lets the course’s teacher approve (once, announced with who decided), never another course’s teacher', async () => {
    await addDevice(actorOf(a));
    const second = await addDevice(actorOf(a));
    await expect(devices.decide(t2!, second.credentialId, 'approved')).rejects.toMatchObject({ code: ErrorCode.NOT_COURSE_TEACHER });
    await expect(devices.decide(actorOf(b), second.credentialId, 'approved')).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    expect((await credentials.findById(second.credentialId))!.status).toBe('pending');

    const decided = await devices.decide(t1!, second.credentialId, 'approved');
    expect(decided).toEqual({ credentialId: second.credentialId, studentId: a.id, status: 'approved', decidedBy: t1!.userId, decidedAt: '2026-03-02T09:00:00.000Z' });
    expect(events.decidedFacts).toEqual([
      { credentialId: second.credentialId, studentId: a.id, decision: 'approved', deviceName: 'Phone', changedBy: t1!.userId, changedAt: decided.decidedAt, courseIds: [cs101] },
    ]);
    // The same decision again answers the same; the opposite one is refused.
    await expect(devices.decide(admin!, second.credentialId, 'approved')).resolves.toEqual(decided);
    await expect(devices.decide(t1!, second.credentialId, 'denied')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, message: expect.stringMatching(/already approved/) });
    expect((await devices.pending(t1!)).devices).toEqual([]);
  });

  it('lets an admin refuse any student’s device; an unknown passkey is NOT_FOUND', async () => {
    await addDevice(actorOf(c));
    const second = await addDevice(actorOf(c));
    await expect(devices.decide(admin!, second.credentialId, 'denied')).resolves.toMatchObject({ status: 'denied', decidedBy: admin!.userId });
    expect((await passkeys.list(actorOf(c))).passkeys.map((p) => p.status)).toEqual(['approved', 'denied']);
    await expect(devices.decide(admin!, 'bm8tc3VjaC1wYXNza2V5', 'approved')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });
});
