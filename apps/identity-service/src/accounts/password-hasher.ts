import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';

/** Hashes and checks passwords. A port, so services can be tested without the slow real thing. */
export abstract class PasswordHasher {
  abstract hash(password: string): Promise<string>;
  abstract verify(hash: string, password: string): Promise<boolean>;
}

/**
 * argon2id with the OWASP minimum (19 MiB, 2 passes, 1 lane): about 50 ms a hash on our machines,
 * which keeps a whole lecture signing in at once affordable. verify() reads the parameters from the
 * stored hash, so raising them later only affects new hashes.
 */
export const Argon2Options = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class Argon2PasswordHasher extends PasswordHasher {
  hash(password: string): Promise<string> {
    return argon2.hash(password, Argon2Options);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false; // a malformed stored hash never signs anyone in
    }
  }
}
