import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '@classconnect/contracts';
import { checkGeofence, distanceMetres } from './geofence.js';

// A lecture hall; one degree of latitude is about 111.2 km, so 0.001° north is about 111 m.
const fence = { latitude: 48.1500, longitude: 11.5800, radiusM: 100 };
const north = (metres: number) => fence.latitude + metres / 111_195;

describe('geofence', () => {
  it('measures great-circle distance in metres', () => {
    expect(distanceMetres(fence, fence)).toBe(0);
    expect(distanceMetres(fence, { latitude: north(100), longitude: fence.longitude })).toBeCloseTo(100, 0);
    // Paris to London is about 344 km.
    expect(distanceMetres({ latitude: 48.8566, longitude: 2.3522 }, { latitude: 51.5074, longitude: -0.1278 }) / 1000).toBeCloseTo(344, -1);
  });

  it('accepts a precise position inside the radius and reports only distance and accuracy', () => {
    const result = checkGeofence({ latitude: north(40), longitude: fence.longitude, accuracy: 12 }, fence, 100);
    expect(result).toEqual({ inside: true, distanceM: expect.any(Number), accuracyM: 12 });
    expect(result.distanceM).toBeCloseTo(40, 0);
    expect(Object.keys(result).sort()).toEqual(['accuracyM', 'distanceM', 'inside']);
  });

  it('accepts a position exactly on the edge', () => {
    expect(checkGeofence({ latitude: north(99.9), longitude: fence.longitude, accuracy: 5 }, fence, 100).inside).toBe(true);
  });

  it('rejects a position outside the radius, saying how far and to move closer', () => {
    const result = checkGeofence({ latitude: north(250), longitude: fence.longitude, accuracy: 10 }, fence, 100);
    expect(result).toMatchObject({ inside: false, reason: ErrorCode.OUTSIDE_GEOFENCE });
    if (result.inside) throw new Error('unreachable');
    expect(result.distanceM).toBeCloseTo(250, 0);
    expect(result.message).toMatch(/about 250 m/);
    expect(result.message).toMatch(/150 m outside the 100 m/);
    expect(result.message).toMatch(/Move closer/);
  });

  it('rejects a position less precise than the configured maximum, even when its centre is inside', () => {
    const result = checkGeofence({ latitude: fence.latitude, longitude: fence.longitude, accuracy: 150 }, fence, 100);
    expect(result).toMatchObject({ inside: false, reason: ErrorCode.POSITION_TOO_INACCURATE, accuracyM: 150 });
    expect(checkGeofence({ latitude: fence.latitude, longitude: fence.longitude, accuracy: 100 }, fence, 100).inside).toBe(true);
  });
});
