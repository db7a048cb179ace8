/**
 * What docs/protocol.md says about the edges of the socket protocol, held against the real gateway:
 * the handshake's `deviceId` format is enforced (§1.2, §1.3), an unknown event gets no ack, and a
 * reserved event name or a malformed packet closes the connection (§2).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import { ErrorCode } from '@classconnect/contracts';
import { connectSocket, requestOk, startTestSystem, type ClassFixture, type TestSystem } from '@classconnect/testing';

describe('protocol edges', () => {
  let sys: TestSystem;
  let cls: ClassFixture;
  let token: string;

  beforeAll(async () => {
    sys = await startTestSystem();
    cls = await sys.createClass(1);
    token = await sys.signIn(cls.students[0]!.email, cls.students[0]!.password);
  });

  afterAll(async () => {
    await sys?.stop();
  });

  const handshake = (auth: object) =>
    new Promise<{ connected: boolean; data?: { code: string; message: string; issues?: unknown[] } }>((resolve) => {
      const socket = io(sys.gatewayUrl, { path: '/socket.io', transports: ['websocket'], auth, reconnection: false, forceNew: true });
      socket.once('connect', () => {
        socket.close();
        resolve({ connected: true });
      });
      socket.once('connect_error', (err) => {
        socket.close();
        resolve({ connected: false, data: (err as unknown as { data: { code: string; message: string } }).data });
      });
    });

  it('refuses a handshake whose deviceId is not 8–128 characters of A-Z a-z 0-9 _ -, and says so', async () => {
    for (const deviceId of ['short', 'x'.repeat(129), 'has spaces in it', 'ünïcödé-device', 12345678, { id: 'abcdefgh' }]) {
      const res = await handshake({ token, deviceId });
      expect({ deviceId, res }).toEqual({
        deviceId,
        res: { connected: false, data: expect.objectContaining({ code: ErrorCode.VALIDATION_FAILED, message: expect.stringContaining('deviceId'), issues: [expect.objectContaining({ path: 'auth.deviceId' })] }) },
      });
    }
    for (const deviceId of ['abcdefgh', 'x'.repeat(128), 'A-Z_a-z_0-9-ok', undefined]) expect({ deviceId, res: await handshake({ token, deviceId }) }).toEqual({ deviceId, res: { connected: true } });
  });

  it('answers no ack to an unknown event, and the connection stays', async () => {
    const socket = await connectSocket(sys.gatewayUrl, token);
    try {
      await expect(socket.timeout(1_000).emitWithAck('no:such-event', {})).rejects.toThrow(/timed out/);
      expect(socket.connected).toBe(true);
      await requestOk(socket, 'me:get', {});
    } finally {
      socket.close();
    }
  });

  const closesOn = async (raw: string) => {
    const socket: Socket = await connectSocket(sys.gatewayUrl, token);
    const reason = new Promise<string>((resolve) => socket.once('disconnect', (r) => resolve(r)));
    // A packet socket.io-client would refuse to build, written straight to the transport.
    (socket.io.engine as unknown as { write(data: string): void }).write(raw);
    const result = await Promise.race([reason, new Promise<string>((r) => setTimeout(() => r('still connected'), 3_000))]);
    socket.close();
    return result;
  };

  it('closes the connection on a reserved event name or a malformed packet', async () => {
    for (const name of ['connect', 'disconnect', 'disconnecting', 'newListener', 'removeListener']) {
      expect({ name, result: await closesOn(`42${JSON.stringify([name, {}])}`) }).toEqual({ name, result: expect.stringMatching(/transport close|io server disconnect/) });
    }
    expect(await closesOn('42["session:get",{')).toMatch(/transport close|io server disconnect/);
    expect(await closesOn('42[42,{}]')).toMatch(/transport close|io server disconnect/);
  });
});
