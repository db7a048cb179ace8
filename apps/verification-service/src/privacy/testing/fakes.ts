/** In-memory stand-ins for what verification holds about people, for unit specs. */
import { PersonKeys, PersonRecords, type ErasedRows, type PasskeyRecord } from '../privacy.repository.js';

export class MemoryPersonRecords extends PersonRecords {
  readonly passkeys = new Map<string, PasskeyRecord[]>();
  readonly bindings = new Map<string, Date>();

  async passkeysOf(userId: string) {
    return this.passkeys.get(userId) ?? [];
  }
  async deviceBoundAt(userId: string) {
    return this.bindings.get(userId) ?? null;
  }
  async erase(userId: string): Promise<ErasedRows> {
    const passkeys = this.passkeys.get(userId)?.length ?? 0;
    const deviceBinding = this.bindings.delete(userId);
    this.passkeys.delete(userId);
    return { passkeys, deviceBinding };
  }
}

export class MemoryPersonKeys extends PersonKeys {
  readonly users = new Set<string>();
  async forget(userId: string) {
    return this.users.delete(userId) ? 1 : 0;
  }
}
