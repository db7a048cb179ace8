import { Inject, Injectable } from '@nestjs/common';
import { distance } from '@turf/distance';
import type { FenceDistanceReply, FenceDistanceRequest } from '@classconnect/contracts';
import { SessionStore, type SessionRecord } from '../sessions/session.model.js';

/**
 * How far apart two sessions' fences are, for the impossible-travel flag. Rooms are not personal
 * data, but a fence's centre may be the teacher's position, so it is known only while its session
 * is open and only the distance leaves this service.
 */
@Injectable()
export class FenceDistanceService {
  constructor(@Inject(SessionStore) private readonly store: SessionStore) {}

  async between(req: FenceDistanceRequest): Promise<FenceDistanceReply> {
    const [a, b] = await Promise.all([this.store.find(req.sessionId), this.store.find(req.otherSessionId)]);
    if (!hasCentre(a) || !hasCentre(b)) return { known: false };
    const distanceM = distance([a.fence.longitude, a.fence.latitude], [b.fence.longitude, b.fence.latitude], { units: 'meters' });
    return { known: true, distanceM, radiiM: a.fence.radiusM + b.fence.radiusM };
  }
}

function hasCentre(s: SessionRecord | null): s is SessionRecord {
  return !!s && s.status === 'open' && Number.isFinite(s.fence.latitude) && Number.isFinite(s.fence.longitude) && Number.isFinite(s.fence.radiusM);
}
