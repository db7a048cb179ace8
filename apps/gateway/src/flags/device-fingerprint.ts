import { createHmac } from 'node:crypto';
import type { Socket } from 'socket.io';

/** A device id a client keeps (the web client: a random UUID in localStorage). */
const DeviceId = /^[A-Za-z0-9_-]{8,128}$/;

/**
 * The check-in flags' fingerprint of a connection: a keyed hash of the device id the client sends in
 * the handshake (`auth.deviceId`), else of its IP address and user agent. Only the hash leaves the
 * gateway, so no service sees the signals themselves; the key comes from the gateway's secret.
 */
export function deviceFingerprintOf(handshake: Socket['handshake'], secret: string): string {
  const auth = handshake.auth as { deviceId?: unknown } | undefined;
  const deviceId = typeof auth?.deviceId === 'string' && DeviceId.test(auth.deviceId) ? auth.deviceId : undefined;
  const signals = deviceId ? `device\n${deviceId}` : `network\n${handshake.address}\n${String(handshake.headers['user-agent'] ?? '')}`;
  const key = createHmac('sha256', secret).update('classconnect device fingerprint').digest();
  return createHmac('sha256', key).update(signals).digest('base64url').slice(0, 32);
}
