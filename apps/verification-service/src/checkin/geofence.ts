/**
 * The geofence decision, pure: no I/O, no clock. The raw position comes in and only the distance
 * and accuracy go out, so nothing downstream can keep where the student was.
 */
import { distance } from '@turf/distance';
import { ErrorCode } from '@classconnect/contracts';

export interface Fence {
  latitude: number;
  longitude: number;
  radiusM: number;
}

export interface ReportedPosition {
  latitude: number;
  longitude: number;
  /** Radius of 95% confidence in metres, as the device reports it. */
  accuracy: number;
}

export type GeofenceResult =
  | { inside: true; distanceM: number; accuracyM: number }
  | {
      inside: false;
      reason: typeof ErrorCode.POSITION_TOO_INACCURATE | typeof ErrorCode.OUTSIDE_GEOFENCE;
      message: string;
      distanceM: number;
      accuracyM: number;
    };

/** Great-circle distance in metres between two points. */
export function distanceMetres(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  return distance([a.longitude, a.latitude], [b.longitude, b.latitude], { units: 'meters' });
}

export function checkGeofence(position: ReportedPosition, fence: Fence, maxAccuracyM: number): GeofenceResult {
  const distanceM = roundTo(distanceMetres(position, fence), 1);
  const accuracyM = roundTo(position.accuracy, 1);
  if (position.accuracy > maxAccuracyM) {
    return {
      inside: false,
      reason: ErrorCode.POSITION_TOO_INACCURATE,
      message:
        `Your device could only place you within ${Math.round(position.accuracy)} m, and check-in needs ${Math.round(maxAccuracyM)} m or better. ` +
        'Turn on precise location (or step near a window) and try again.',
      distanceM,
      accuracyM,
    };
  }
  if (distanceM > fence.radiusM) {
    const beyond = Math.max(1, Math.round(distanceM - fence.radiusM));
    return {
      inside: false,
      reason: ErrorCode.OUTSIDE_GEOFENCE,
      message:
        `You are about ${Math.round(distanceM)} m from the classroom, ${beyond} m outside the ${fence.radiusM} m check-in area. ` +
        'Move closer and try again.',
      distanceM,
      accuracyM,
    };
  }
  return { inside: true, distanceM, accuracyM };
}

function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
