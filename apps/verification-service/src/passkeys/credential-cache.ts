import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Clock } from '@classconnect/config';
import { NATS_CONNECTION, watchForGaps, type NatsConnection } from '@classconnect/messaging';
import { createLogger } from '@classconnect/observability';
import type { StoredCredential } from './credential.repository.js';

/**
 * Core NATS subject on which verification-service's instances tell each other that passkeys changed,
 * so each drops what it remembers of them. Internal: only verification-service publishes and reads it.
 */
export const CredentialsChangedSubject = 'cc.verification.credentials-changed';

/**
 * One change, as announced: passkeys registered, removed or decided (`ids`, with their owners'
 * `userIds`), every passkey of an erased person (`userId`), or a passkey used with a signature
 * counter that grew (`used`). `from` names the announcing instance, which has already brought its
 * own memory up to date.
 */
export type CredentialChange = { from: string } & ({ ids: string[]; userIds: string[] } | { userId: string } | { used: { id: string; counter: number } });

/** How the instances reach each other: NATS in the service, a fake bus in unit specs. */
export abstract class CredentialChangeBus {
  abstract announce(change: CredentialChange): void;
  /** Calls `onChange` for every change announced (its own too); `onGap` when some may have been missed. Returns how to stop. */
  abstract listen(onChange: (change: CredentialChange) => void, onGap: () => void): () => void;
}

@Injectable()
export class NatsCredentialChangeBus extends CredentialChangeBus {
  private readonly log = createLogger('CredentialChangeBus');

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {
    super();
  }

  announce(change: CredentialChange): void {
    try {
      this.nc.publish(CredentialsChangedSubject, JSON.stringify(change));
    } catch (err) {
      // Only a closed connection refuses; the other instances clear their memory when they lose theirs.
      this.log.warn({ err }, 'could not announce a passkey change');
    }
  }

  listen(onChange: (change: CredentialChange) => void, onGap: () => void): () => void {
    const sub = this.nc.subscribe(CredentialsChangedSubject, {
      callback: (err, msg) => {
        if (err) return onGap();
        try {
          onChange(msg.json<CredentialChange>());
        } catch {
          this.log.warn('ignored a passkey change that is not JSON');
        }
      },
    });
    // Whatever was announced while messages may have been lost is lost: everything is forgotten.
    const stopWatching = watchForGaps(this.nc, onGap);
    return () => {
      stopWatching();
      sub.unsubscribe();
    };
  }
}

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/** How many passkeys an instance remembers, and for how long at most (a bound should an announcement be lost unnoticed). */
const MaxEntries = 100_000;
const TtlMs = 6 * 60 * 60 * 1000;

/**
 * What this instance remembers of passkeys read for check-ins, so a check-in (its begin, its
 * verdict) does not read Postgres for a passkey seen before. It never answers for a passkey that changed: every change is made
 * through CachingCredentialRepository (or, for an erasure, announced by the privacy service), which
 * forgets it here and announces it to every other instance. A passkey whose signature counter
 * grew is updated here and forgotten by the others. When the announcements may have been missed
 * (NATS disconnected), everything is forgotten.
 */
@Injectable()
export class CredentialCache implements OnModuleInit, OnApplicationShutdown {
  private readonly entries = new Map<string, Entry<StoredCredential>>();
  /** Each person's passkeys as a check-in begin offers them (ids, transports, status). */
  private readonly lists = new Map<string, Entry<StoredCredential[]>>();
  private readonly instance = randomUUID();
  /** Grows with every change heard: a read that started before a change does not store what it read. */
  private generation = 0;
  /**
   * The counter of each passkey's latest use recorded here. A read of the store that started before
   * that use was written can answer the older counter: what it read is brought up to this one.
   */
  private readonly usedCounters = new Map<string, number>();
  private stopListening?: () => void;

  constructor(
    private readonly bus: CredentialChangeBus,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.stopListening = this.bus.listen(
      (change) => this.heard(change),
      () => this.clear(),
    );
  }

  onApplicationShutdown(): void {
    this.stopListening?.();
  }

  /** The passkey as last read, or undefined when it must be read from the store. */
  get(id: string): StoredCredential | undefined {
    return this.live(this.entries, id);
  }

  /** The person's passkeys as last listed for a check-in, or undefined. */
  listOf(userId: string): StoredCredential[] | undefined {
    return this.live(this.lists, userId);
  }

  /** The generation to pass back to `remember` after reading the store. */
  current(): number {
    return this.generation;
  }

  /**
   * Keeps a passkey read from the store, unless something changed since the read began (`readAt`).
   * Returns it as it is to be used: with the counter of a use recorded here meanwhile.
   */
  remember(credential: StoredCredential, readAt: number): StoredCredential {
    const current = this.withUsedCounter(credential);
    if (readAt === this.generation) this.keep(this.entries, current.id, current);
    return current;
  }

  /** Keeps a person's passkeys listed for a check-in, and each of them by id, unless something changed since the read began. */
  rememberList(userId: string, credentials: StoredCredential[], readAt: number): StoredCredential[] {
    const current = credentials.map((c) => this.withUsedCounter(c));
    if (readAt !== this.generation) return current;
    this.keep(this.lists, userId, current);
    // The list holds each passkey whole: the submission that follows the begin finds its passkey here.
    for (const c of current) this.keep(this.entries, c.id, c);
    return current;
  }

  private withUsedCounter(c: StoredCredential): StoredCredential {
    const used = this.usedCounters.get(c.id);
    return used !== undefined && used > c.counter ? { ...c, counter: used } : c;
  }

  private live<T>(map: Map<string, Entry<T>>, key: string): T | undefined {
    const entry = map.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.nowMs()) {
      map.delete(key);
      return undefined;
    }
    return entry.value;
  }

  private keep<T>(map: Map<string, Entry<T>>, key: string, value: T): void {
    if (map.size >= MaxEntries) map.delete(map.keys().next().value as string);
    map.set(key, { value, expiresAt: this.clock.nowMs() + TtlMs });
  }

  /** These passkeys (of these people) were registered, removed or decided: forgotten here and by every other instance. */
  changed(ids: string[], userIds: string[]): void {
    this.forget(ids, userIds);
    this.bus.announce({ from: this.instance, ids, userIds });
  }

  /** Every passkey of this person was erased: forgotten here and by every other instance. */
  userErased(userId: string): void {
    this.forgetUser(userId);
    this.bus.announce({ from: this.instance, userId });
  }

  /** A use was recorded: the counter read next must be at least this one, here and elsewhere. */
  used(id: string, counter: number, at: Date): void {
    if (counter > 0) {
      if (this.usedCounters.size >= MaxEntries) this.usedCounters.delete(this.usedCounters.keys().next().value as string);
      this.usedCounters.set(id, Math.max(this.usedCounters.get(id) ?? 0, counter));
    }
    const entry = this.entries.get(id);
    if (entry) {
      // As the store does: neither the counter nor the last use moves back.
      const last = entry.value.lastUsedAt;
      entry.value = { ...entry.value, counter: Math.max(entry.value.counter, counter), lastUsedAt: last && last > at ? last : at };
    }
    // A counter of 0 is what most passkeys always send: nothing another instance could hold stale.
    if (counter > 0) this.bus.announce({ from: this.instance, used: { id, counter } });
  }

  private heard(change: CredentialChange): void {
    if (change.from === this.instance) return;
    if ('ids' in change) this.forget(change.ids, change.userIds);
    else if ('userId' in change) this.forgetUser(change.userId);
    else if ('used' in change) this.forget([change.used.id], []);
  }

  private forget(ids: string[], userIds: string[]): void {
    this.generation++;
    for (const id of ids) this.entries.delete(id);
    for (const userId of userIds) this.lists.delete(userId);
  }

  private forgetUser(userId: string): void {
    this.generation++;
    this.lists.delete(userId);
    for (const [id, entry] of this.entries) if (entry.value.userId === userId) this.entries.delete(id);
  }

  private clear(): void {
    this.generation++;
    this.entries.clear();
    this.lists.clear();
  }
}
