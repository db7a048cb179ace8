import type { PushSubscriptionJson } from '@classconnect/contracts';

export interface StoredSubscription {
  endpoint: string;
  userId: string;
  signInId?: string;
  credentialId?: string;
  keys: { p256dh: string; auth: string };
}

/** The push subscriptions (Postgres in production, a fake in unit specs). */
export abstract class PushStore {
  /** Stores or takes over a device's subscription (the endpoint is the device's). */
  abstract save(s: StoredSubscription, at: string): Promise<void>;
  abstract ofUsers(userIds: string[]): Promise<StoredSubscription[]>;
  abstract removeEndpoint(endpoint: string, userId?: string): Promise<boolean>;
  abstract removeSignIns(userId: string, signInIds: string[]): Promise<number>;
  abstract removeUser(userId: string): Promise<number>;
  abstract removeCredential(userId: string, credentialId: string): Promise<number>;
  abstract markSent(endpoints: string[], at: string): Promise<void>;
}

/** What a push service answered: its HTTP status. A refusal is a status too, never a throw; a network failure throws. */
export abstract class PushSender {
  abstract send(subscription: Pick<PushSubscriptionJson, 'endpoint' | 'keys'>, payload: string): Promise<number>;
}

/** Who among these users has the app open now (a socket on some gateway). */
export abstract class Presence {
  abstract connected(userIds: string[]): Promise<Set<string>>;
}
