/**
 * Sign-in security's fact, on the stream DIRECTORY: sign-ins were ended. events.ts joins it into
 * EventSubjects and EventSchemas. A published type is never changed: a new version (`.v2`) is added beside it.
 */
import { z } from 'zod';
import { Id, IsoTime } from '../primitives.js';
import { streamEvent } from '../slice-maps.js';

/** Why sign-ins were ended; the gateway tells the client (auth:revoked) in these words. */
export const SignInRevokedReason = z.enum(['signed-out', 'signed-out-everywhere', 'account-disabled', 'refresh-token-reused']);
export type SignInRevokedReason = z.infer<typeof SignInRevokedReason>;
export const SignInRevokedV1 = z.object({
  userId: Id,
  /** The ended sign-ins (the `sid` of their access tokens). */
  signInIds: z.array(Id),
  /** true: every sign-in of the user up to revokedAt ended, including access tokens without a `sid`. */
  everywhere: z.boolean(),
  reason: SignInRevokedReason,
  revokedAt: IsoTime,
});

export const SignInStreamEvents = {
  /** Sign-ins were ended (sign-out, sign-out everywhere, disabled account, stolen refresh token): gateways end their sockets. */
  signInRevoked: streamEvent('directory.signin.revoked.v1', SignInRevokedV1),
};
