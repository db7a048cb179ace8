/** The Redis keys this service owns, all under the configured prefix. */
export class RedisKeys {
  constructor(private readonly prefix: string) {}

  registrationChallenge(userId: string): string {
    return `${this.prefix}regchal:${userId}`;
  }

  checkinChallenge(challenge: string): string {
    return `${this.prefix}chal:${challenge}`;
  }

  verdict(submissionId: string): string {
    return `${this.prefix}verdict:${submissionId}`;
  }

  /** A passkey sign-in challenge (no user known yet), claimed once. */
  signInChallenge(challenge: string): string {
    return `${this.prefix}signinchal:${challenge}`;
  }
}

export const REDIS_KEYS = Symbol('REDIS_KEYS');
