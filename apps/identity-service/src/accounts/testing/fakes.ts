/** In-memory stand-ins for the accounts context's ports. */
import { PasswordHasher } from '../password-hasher.js';

/** Hashes `p` to `hash(p)`; remembers which hashes it checked. */
export class FakePasswordHasher extends PasswordHasher {
  readonly verified: string[] = [];
  async hash(password: string): Promise<string> {
    return `hash(${password})`;
  }
  async verify(hash: string, password: string): Promise<boolean> {
    this.verified.push(hash);
    return hash === `hash(${password})`;
  }
}
