/** Erasure on the socket (an admin's People screen). The export is a download over HTTP (protocol §10.12). */
import { z } from 'zod';
import { Email, Id } from '../primitives.js';
import { clientEvent } from '../slice-maps.js';
import type { EraseUserReply } from './erase.js';

export const PrivacyClientEvents = {
  /** Erases a person for good. `confirmEmail` is the account's email, typed by the admin. */
  userErase: clientEvent('user:erase', z.object({ targetUserId: Id, confirmEmail: Email }).strict()).acks<EraseUserReply>(),
};
