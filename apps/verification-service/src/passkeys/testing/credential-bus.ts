import type { CredentialRepository, StoredCredential } from '../credential.repository.js';
import { CredentialChangeBus, type CredentialChange } from '../credential-cache.js';

/** The instances' NATS subject in memory: every listener hears every announcement, its own too, at once. */
export class MemoryCredentialChangeBus extends CredentialChangeBus {
  readonly announced: CredentialChange[] = [];
  private readonly listeners = new Set<{ onChange: (c: CredentialChange) => void; onGap: () => void }>();

  announce(change: CredentialChange): void {
    this.announced.push(change);
    for (const l of this.listeners) l.onChange(JSON.parse(JSON.stringify(change)) as CredentialChange);
  }

  listen(onChange: (c: CredentialChange) => void, onGap: () => void): () => void {
    const l = { onChange, onGap };
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** As if the connection dropped: announcements may have been missed. */
  gap(): void {
    for (const l of this.listeners) l.onGap();
  }
}

/**
 * A store that hands out copies, as Postgres does (the in-memory fake shares its objects, which would
 * let a cached passkey see the store's later changes and hide a stale cache).
 */
export function copying(store: CredentialRepository): CredentialRepository {
  const copy = (c: StoredCredential | null) => (c ? { ...c, publicKey: new Uint8Array(c.publicKey), transports: [...c.transports] } : null);
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (Array.isArray(result)) return result.map((c) => copy(c as StoredCredential));
        if (result && typeof result === 'object' && 'publicKey' in result) return copy(result as StoredCredential);
        return result;
      };
    },
  });
}
