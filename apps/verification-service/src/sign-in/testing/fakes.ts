/** In-memory stand-ins for passkey sign-in, for unit specs. */
import { SignInChallengeRepository } from '../sign-in-challenge.repository.js';

/** Sign-in challenges in memory: each can be claimed once. */
export class MemorySignInChallenges extends SignInChallengeRepository {
  readonly live = new Set<string>();
  async issue(challenge: string) {
    this.live.add(challenge);
  }
  async claim(challenge: string) {
    return this.live.delete(challenge);
  }
}
