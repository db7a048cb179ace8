import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@classconnect/config';
import { DomainError, type CheckinFlag, type CheckinSubmission } from '@classconnect/contracts';
import { SessionClient } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import { VERIFICATION_CONFIG, type VerificationConfig } from '../config.js';
import { accuracyZero, concurrentUse, identicalPosition, impossibleTravel, isImpossibleTravel, sharedDevice, travelDistanceM, type FlagSettings } from './flag-rules.js';
import { FlagStateRepository, type CheckinStop, type Sighting } from './flag-state.repository.js';

/** Flags for one check-in, to publish as attendance.checkin.flagged.v1. */
export interface FlagNotice {
  sessionId: string;
  courseId: string;
  studentId: string;
  submissionId: string;
  flags: CheckinFlag[];
}

export interface Detection {
  /** This check-in's own flags (none: an empty list). */
  flags: CheckinFlag[];
  /** Earlier check-ins this one shows to be suspicious too (the first at the same position, on the same device, …). */
  earlier: FlagNotice[];
}

const log = createLogger('FlagDetector');

/**
 * Looks at an accepted check-in for signs a teacher should see (docs/architecture.md, "Flags").
 * Flags never change a verdict. What it keeps is in FlagStateRepository: digests under a
 * per-session random key, never a coordinate or a client signal.
 */
@Injectable()
export class FlagDetector {
  private readonly settings: FlagSettings;

  constructor(
    private readonly state: FlagStateRepository,
    private readonly sessions: SessionClient,
    private readonly clock: Clock,
    @Inject(VERIFICATION_CONFIG) config: Pick<VerificationConfig, 'FLAG_WINDOW_SECONDS' | 'FLAG_MAX_SPEED_KMH'>,
  ) {
    this.settings = { windowSeconds: config.FLAG_WINDOW_SECONDS, maxSpeedKmh: config.FLAG_MAX_SPEED_KMH };
  }

  /** A student began a check-in from a device: remembered, to spot the account used from two devices at once. */
  async noteBegin(sessionId: string, studentId: string, deviceFingerprint: string | undefined): Promise<void> {
    if (!deviceFingerprint) return;
    const key = await this.state.sessionKey(sessionId);
    await this.state.recordUse(sessionId, studentId, { device: digest(key, 'device', deviceFingerprint), at: this.clock.now().getTime() });
  }

  /** The flags of an accepted check-in (`courseId`: its course). Safe to run again for a redelivered submission. */
  async detect(s: CheckinSubmission, courseId: string, correlationId?: string): Promise<Detection> {
    const flags: CheckinFlag[] = [];
    const earlier = new Map<string, FlagNotice>();
    const flagEarlier = (others: Sighting[], sessionId: string, flag: CheckinFlag) => {
      for (const o of others) {
        const notice = earlier.get(o.submissionId) ?? { sessionId, courseId, studentId: o.studentId, submissionId: o.submissionId, flags: [] };
        notice.flags.push(flag);
        earlier.set(o.submissionId, notice);
      }
    };
    const at = Date.parse(s.submittedAt);
    const me: Sighting = { studentId: s.studentId, submissionId: s.submissionId, at };
    const key = await this.state.sessionKey(s.sessionId);

    const zero = accuracyZero(s.position.accuracy);
    if (zero) flags.push(zero);

    // The sightings do not depend on each other: they are recorded in one call (one script in
    // Redis) and read in the order the flags are listed.
    // Exact coordinates, as the device reported them: only a keyed digest is kept.
    const positionDigest = digest(key, 'position', `${s.position.latitude}:${s.position.longitude}`);
    const device = s.deviceFingerprint ? digest(key, 'device', s.deviceFingerprint) : undefined;
    const windowMs = this.settings.windowSeconds * 1000;
    const { position, shared, uses, previous } = await this.state.recordCheckin({
      sessionId: s.sessionId,
      sighting: me,
      positionDigest,
      device: device ? { digest: device, windowMs, use: { device, at, submissionId: s.submissionId } } : undefined,
      stop: { sessionId: s.sessionId, courseId, submissionId: s.submissionId, at },
    });
    if (position.others.length > 0) {
      flags.push(identicalPosition(new Set(position.others.map((o) => o.studentId)).size));
      flagEarlier(position.newlyFlagged, s.sessionId, identicalPosition(1));
    }
    if (shared && shared.others.length > 0) {
      flags.push(sharedDevice(new Set(shared.others.map((o) => o.studentId)).size, this.settings.windowSeconds));
      flagEarlier(shared.newlyFlagged, s.sessionId, sharedDevice(1, this.settings.windowSeconds));
    }
    if (uses?.some((u) => u.device !== device && Math.abs(u.at - at) <= windowMs)) flags.push(concurrentUse(this.settings.windowSeconds));

    const travel = await this.travel(s, previous, at, correlationId);
    if (travel) {
      flags.push(travel.flag);
      const { previous } = travel;
      earlier.set(previous.submissionId, {
        sessionId: previous.sessionId,
        courseId: previous.courseId,
        studentId: s.studentId,
        submissionId: previous.submissionId,
        flags: [...(earlier.get(previous.submissionId)?.flags ?? []), travel.earlierFlag],
      });
    }
    return { flags, earlier: [...earlier.values()] };
  }

  /**
   * Compares with the student's previous accepted check-in, in another session: the distance is
   * between the two fences (centres minus radii), known only while both sessions are open. A
   * previous session already closed (its flag state is gone) is not asked about: session-service
   * would only answer that it no longer knows, and that is a student's usual previous check-in.
   */
  private async travel(s: CheckinSubmission, previous: (CheckinStop & { sessionOpen: boolean }) | null, at: number, correlationId?: string) {
    if (!previous || previous.sessionId === s.sessionId || !previous.sessionOpen) return null;
    let reply;
    try {
      reply = await this.sessions.fenceDistance(s.sessionId, previous.sessionId, { correlationId });
    } catch (err) {
      // Best effort: a flag never holds up a verdict. (The session may be gone, or session-service busy.)
      log.warn({ sessionId: s.sessionId, otherSessionId: previous.sessionId, code: err instanceof DomainError ? err.code : 'INTERNAL' }, 'could not compare two check-ins for impossible travel');
      return null;
    }
    if (!reply.known || reply.distanceM === undefined) return null;
    const distanceM = travelDistanceM(reply.distanceM, reply.radiiM ?? 0);
    const elapsedMs = at - previous.at;
    if (!isImpossibleTravel(distanceM, elapsedMs, this.settings.maxSpeedKmh)) return null;
    log.info({ sessionId: s.sessionId, otherSessionId: previous.sessionId, studentId: s.studentId, distanceM: Math.round(distanceM), elapsedMs }, 'impossible travel between two check-ins');
    return {
      previous,
      flag: impossibleTravel(distanceM, elapsedMs, elapsedMs >= 0 ? 'before' : 'after', this.settings.maxSpeedKmh),
      earlierFlag: impossibleTravel(distanceM, elapsedMs, elapsedMs >= 0 ? 'after' : 'before', this.settings.maxSpeedKmh),
    };
  }
}

/** HMAC-SHA256 under the session's key: equal inputs match within the session, and nothing else can be read back. */
export function digest(key: Buffer, kind: 'position' | 'device', value: string): string {
  return createHmac('sha256', key).update(`${kind}\n${value}`).digest('base64url');
}
