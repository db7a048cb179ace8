import { describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io';
import { deviceFingerprintOf } from './device-fingerprint.js';

const secret = 'x'.repeat(40);
const handshake = (auth: object, address = '10.0.0.1', ua = 'Phone/1.0') => ({ auth, address, headers: { 'user-agent': ua } }) as unknown as Socket['handshake'];

describe('deviceFingerprintOf', () => {
  it('depends on the device id when the client sends one, not on the network', () => {
    const a = deviceFingerprintOf(handshake({ deviceId: 'device-aaaaaaaa' }, '10.0.0.1'), secret);
    expect(deviceFingerprintOf(handshake({ deviceId: 'device-aaaaaaaa' }, '10.0.0.2', 'Other'), secret)).toBe(a);
    expect(deviceFingerprintOf(handshake({ deviceId: 'device-bbbbbbbb' }, '10.0.0.1'), secret)).not.toBe(a);
  });

  it('falls back to IP and user agent without a (valid) device id', () => {
    const a = deviceFingerprintOf(handshake({}), secret);
    expect(deviceFingerprintOf(handshake({ deviceId: 'bad id!' }), secret)).toBe(a);
    expect(deviceFingerprintOf(handshake({}, '10.0.0.2'), secret)).not.toBe(a);
    expect(deviceFingerprintOf(handshake({}, '10.0.0.1', 'Other'), secret)).not.toBe(a);
  });

  it('is a keyed hash that does not contain the signals', () => {
    const fp = deviceFingerprintOf(handshake({ deviceId: 'device-aaaaaaaa' }), secret);
    expect(fp).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(fp).not.toContain('device');
    expect(deviceFingerprintOf(handshake({ deviceId: 'device-aaaaaaaa' }), 'y'.repeat(40))).not.toBe(fp);
  });
});
