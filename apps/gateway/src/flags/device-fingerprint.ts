import { createHmac } from 'node:crypto';
import type { Socket } from 'socket.io';
import { DomainError, ErrorCode, HandshakeDeviceId } from '@classconnect/contracts';

/** Refuses a handshake whose `auth.deviceId` is there but not a device id (left out is fine). */
export function checkHandshakeDeviceId(handshake: Socket['handshake']): void {
  const deviceId = (handshake.auth as { deviceId?: unknown } | undefined)?.deviceId;
  if (deviceId === undefined) return;
  const parsed = HandshakeDeviceId.safeParse(deviceId);
  if (!parsed.success) {
    const message = typeof deviceId === 'string' ? parsed.error.issues[0]!.message : 'must be a string';
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `The handshake's deviceId ${message}, or be left out.`, [{ path: 'auth.deviceId', message }]);
  }
}

/**
 * The check-in flags' fingerprint of a connection: a keyed hash of the device id the client sends in
 * the handshake (`auth.deviceId`), else of its IP address and user agent. Only the hash leaves the
 * gateway, so no service sees the signals themselves; the key comes from the gateway's secret.
 */
export function deviceFingerprintOf(handshake: Socket['handshake'], secret: string): string {
  const auth = handshake.auth as { deviceId?: unknown } | undefined;
  // Checked in the handshake (checkHandshakeDeviceId): here it is a valid id or absent.
  const deviceId = typeof auth?.deviceId === 'string' && HandshakeDeviceId.safeParse(auth.deviceId).success ? auth.deviceId : undefined;
  const signals = deviceId ? `device\n${deviceId}` : `network\n${handshake.address}\n${String(handshake.headers['user-agent'] ?? '')}`;
  const key = createHmac('sha256', secret).update('classconnect device fingerprint').digest();
  return createHmac('sha256', key).update(signals).digest('base64url').slice(0, 32);
}
