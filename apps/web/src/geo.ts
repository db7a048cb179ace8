/** The device's position for a check-in or a session's fence: a fresh, high-accuracy fix. */
import type { Position } from '@classconnect/contracts';

export class LocationError extends Error {
  constructor(readonly kind: 'denied' | 'unavailable') {
    super(kind);
  }
}

export function currentPosition(): Promise<Position> {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) return reject(new LocationError('unavailable'));
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ latitude: p.coords.latitude, longitude: p.coords.longitude, accuracy: p.coords.accuracy }),
      (err) => reject(new LocationError(err.code === err.PERMISSION_DENIED ? 'denied' : 'unavailable')),
      { enableHighAccuracy: true, maximumAge: 0, timeout: 15_000 },
    );
  });
}
