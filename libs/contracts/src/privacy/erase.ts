/**
 * Erasure (GDPR Art. 17): an admin erases a person. identity-service removes the name, email,
 * password, single sign-on links and sign-ins at once and publishes `directory.account.erased.v1`;
 * every other service erases its part from that event (passkeys, devices, push subscriptions,
 * names in reports). Attendance stays under the id for the course's counts, or is removed, as the
 * deployment chooses. docs/privacy.md lists every copy and what erasure does to it.
 */
import { z } from 'zod';
import { Actor, Email, Id } from '../primitives.js';

/**
 * `confirmEmail` must be the account's current email: the admin types it, so a slip of the mouse
 * cannot erase someone. Erasing an account that is already erased changes nothing and answers
 * `alreadyErased: true` (the event is published again, so a service that missed it catches up).
 */
export const EraseUserRequest = z.object({ actor: Actor, targetUserId: Id, confirmEmail: Email.optional() }).strict();
export type EraseUserRequest = z.infer<typeof EraseUserRequest>;

export interface EraseUserReply {
  userId: string;
  erasedAt: string;
  alreadyErased: boolean;
  attendance: 'pseudonymised' | 'removed';
}
