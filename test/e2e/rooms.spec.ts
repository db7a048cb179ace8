/**
 * Rooms through the real system: an admin manages them (with validation), teachers list them and
 * start a session from one; the room's place is the fence (its default radius unless the teacher
 * gives one), the session says which room, and the fence's centre never reaches a client.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { ClientEvents, ErrorCode, ServerEvents, type RoomView } from '@classconnect/contracts';
import { EventLog, StudentClient, connectSocket, offsetNorth, request, requestOk, startTestSystem, type ClassFixture, type TestSystem } from '@classconnect/testing';
import type { Socket } from 'socket.io-client';

const run = promisify(execFile);
const amphi = { name: 'Amphithéâtre Gaston Berger', building: 'Bâtiment A', latitude: 48.7126, longitude: 2.2096, defaultRadiusM: 40 };
const here = { latitude: amphi.latitude, longitude: amphi.longitude, accuracy: 10 };

describe('rooms', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let admin: Socket;
  let teacher: Socket;
  let students: StudentClient[] = [];
  let room: RoomView;

  beforeAll(async () => {
    sys = await startTestSystem();
    cls = await sys.createClass(2);
    await run(process.execPath, [join(process.cwd(), 'dist/apps/identity-service/src/cli.js'), 'seed-demo'], { env: { ...process.env, ...sys.env } });
    admin = await connectSocket(sys.gatewayUrl, await sys.signIn('admin@demo.classconnect.test', 'demo-admin-pass'));
    teacher = await connectSocket(sys.gatewayUrl, await sys.signIn(cls.teacher.email, cls.teacher.password));
    students = await Promise.all(cls.students.map(async (s) => StudentClient.connect(sys.gatewayUrl, sys.origin, await sys.signIn(s.email, s.password))));
    await Promise.all(students.map((s) => s.registerPasskey()));
  });

  afterAll(async () => {
    admin?.close();
    teacher?.close();
    students.forEach((s) => s.close());
    await sys?.stop();
  });

  it('an admin creates rooms; coordinates, radius and names are checked', async () => {
    room = await requestOk(admin, ClientEvents.roomCreate, amphi);
    expect(room).toMatchObject({ ...amphi, id: expect.any(String), createdAt: expect.any(String) });
    for (const bad of [
      { ...amphi, name: 'North pole+1', latitude: 90.5 },
      { ...amphi, name: 'Too small', defaultRadiusM: 5 },
      { ...amphi, name: 'Too wide', defaultRadiusM: 5_000 },
      { ...amphi, name: ' ' },
      { ...amphi, name: 'Extra', floor: 3 },
    ]) {
      await expect(request(admin, ClientEvents.roomCreate, bad)).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
    }
    // Names are unique whatever their case.
    await expect(request(admin, ClientEvents.roomCreate, { ...amphi, name: amphi.name.toUpperCase() })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.ROOM_NAME_TAKEN },
    });
    await requestOk(admin, ClientEvents.roomCreate, { name: 'Salle 101', latitude: 48.71, longitude: 2.21, defaultRadiusM: 25 });
  });

  it('teachers list rooms but may not change them; students may do neither', async () => {
    const { rooms } = await requestOk(teacher, ClientEvents.roomList, {});
    expect(rooms.map((r) => r.name)).toEqual(['Amphithéâtre Gaston Berger', 'Salle 101']);
    await expect(request(teacher, ClientEvents.roomCreate, { ...amphi, name: 'Mine' })).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    await expect(request(teacher, ClientEvents.roomDelete, { roomId: room.id })).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
    await expect(request(students[0]!.socket, ClientEvents.roomList, {})).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.FORBIDDEN } });
  });

  it('an admin updates a room: only the fields given change; the building can be removed', async () => {
    const renamed = await requestOk(admin, ClientEvents.roomUpdate, { roomId: room.id, name: 'Amphi Gaston Berger' });
    expect(renamed).toMatchObject({ ...amphi, name: 'Amphi Gaston Berger' });
    const noBuilding = await requestOk(admin, ClientEvents.roomUpdate, { roomId: room.id, building: null });
    expect(noBuilding.building).toBeUndefined();
    room = await requestOk(admin, ClientEvents.roomUpdate, { roomId: room.id, building: 'Bâtiment A' });
    await expect(request(admin, ClientEvents.roomUpdate, { roomId: room.id, name: 'Salle 101' })).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.ROOM_NAME_TAKEN } });
    await expect(request(admin, ClientEvents.roomUpdate, { roomId: room.id, longitude: 181 })).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
  });

  it('a teacher starts a session from a room: its place and default radius make the fence, and the session names the room', async () => {
    await expect(request(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, roomId: room.id, position: here })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.VALIDATION_FAILED },
    });
    await expect(request(teacher, ClientEvents.sessionStart, { courseId: cls.courseId })).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.VALIDATION_FAILED } });
    await expect(request(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, roomId: '00000000-0000-4000-8000-000000000000' })).resolves.toMatchObject({
      ok: false,
      error: { code: ErrorCode.ROOM_NOT_FOUND },
    });

    const opened = new EventLog(students[0]!.socket, ServerEvents.sessionOpened);
    const session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, roomId: room.id });
    expect(session).toMatchObject({ radiusM: 40, room: { id: room.id, name: 'Amphi Gaston Berger', building: 'Bâtiment A' } });
    const push = await opened.waitFor((s) => s.sessionId === session.sessionId);
    expect(push.room).toEqual({ id: room.id, name: 'Amphi Gaston Berger', building: 'Bâtiment A' });
    // The fence's centre never reaches a client.
    expect(JSON.stringify(push)).not.toContain(String(amphi.latitude));
    expect(JSON.stringify(session)).not.toContain(String(amphi.latitude));

    await expect(students[0]!.checkIn(session.sessionId, offsetNorth(here, 20))).resolves.toMatchObject({ verdict: 'accepted' });
    await expect(students[1]!.checkIn(session.sessionId, offsetNorth(here, 90))).resolves.toMatchObject({ verdict: 'rejected', reason: 'OUTSIDE_GEOFENCE' });
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });

    // After Stop, the session's centre is gone from Redis like a device position would be.
    const redis = new Redis(sys.env.REDIS_URL!);
    try {
      const keys = await redis.keys('*session*');
      for (const key of keys) {
        if ((await redis.type(key)) !== 'hash') continue;
        const hash = await redis.hgetall(key);
        expect(hash.latitude).toBeUndefined();
        expect(hash.longitude).toBeUndefined();
      }
    } finally {
      redis.disconnect();
    }
  });

  it('an explicit radius overrides the room’s default; deleting a room leaves an open session as it is', async () => {
    const session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, roomId: room.id, radiusM: 150 });
    expect(session).toMatchObject({ radiusM: 150, room: { id: room.id } });
    await expect(requestOk(admin, ClientEvents.roomDelete, { roomId: room.id })).resolves.toEqual({ roomId: room.id, deleted: true });
    await expect(request(admin, ClientEvents.roomDelete, { roomId: room.id })).resolves.toMatchObject({ ok: false, error: { code: ErrorCode.ROOM_NOT_FOUND } });
    await expect(students[1]!.checkIn(session.sessionId, offsetNorth(here, 90))).resolves.toMatchObject({ verdict: 'accepted' });
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
    const { rooms } = await requestOk(teacher, ClientEvents.roomList, {});
    expect(rooms.map((r) => r.name)).toEqual(['Salle 101']);
  });

  it('old clients still start sessions from the device position (no radius: 100 m)', async () => {
    const session = await requestOk(teacher, ClientEvents.sessionStart, { courseId: cls.courseId, position: here });
    expect(session.radiusM).toBe(100);
    expect(session.room).toBeUndefined();
    await requestOk(teacher, ClientEvents.sessionStop, { sessionId: session.sessionId });
  });
});
