/** The Redis keys this service owns, all under the configured prefix. */
export class RedisKeys {
  constructor(private readonly prefix: string) {}

  registrationChallenge(userId: string): string {
    return `${this.prefix}regchal:${userId}`;
  }

  checkinChallenge(challenge: string): string {
    return `${this.prefix}chal:${challenge}`;
  }

  /** The check-in challenges issued for a session, so its unclaimed ones go when it closes. */
  sessionChallenges(sessionId: string): string {
    return `${this.prefix}chals:${sessionId}`;
  }

  verdict(submissionId: string): string {
    return `${this.prefix}verdict:${submissionId}`;
  }

  // Check-in flags: per-session state (deleted when the session closes) and each student's last check-in.
  flagSessionKey(sessionId: string): string {
    return `${this.prefix}flags:key:${sessionId}`;
  }

  flagPositions(sessionId: string): string {
    return `${this.prefix}flags:pos:${sessionId}`;
  }

  flagDevices(sessionId: string): string {
    return `${this.prefix}flags:dev:${sessionId}`;
  }

  flagAccountUses(sessionId: string): string {
    return `${this.prefix}flags:use:${sessionId}`;
  }

  flagLastCheckin(studentId: string): string {
    return `${this.prefix}flags:last:${studentId}`;
  }

  /**
   * Every key named after one user: erasing a person deletes them all, so a new per-user key must
   * be listed here. (Per-session and per-submission keys also name students inside their values;
   * they go when the session closes, or with their TTL.)
   */
  ofUser(userId: string): string[] {
    return [this.registrationChallenge(userId), this.flagLastCheckin(userId)];
  }

  /** A passkey sign-in challenge (no user known yet), claimed once. */
  signInChallenge(challenge: string): string {
    return `${this.prefix}signinchal:${challenge}`;
  }
}

export const REDIS_KEYS = Symbol('REDIS_KEYS');
