/**
 * Sign-in security on the socket: a connection whose sign-in was ended is told why, then
 * disconnected. (Signing in itself is HTTP: POST /api/auth/….) socket.ts joins this into the
 * server event maps. Event names are never renamed: a changed payload gets a new event name beside
 * the old one.
 */
import { serverEvent } from '../slice-maps.js';
import type { SignInRevokedReason } from './events.js';

export const SignInServerEvents = {
  /** This connection's sign-in was ended, and why, in a sentence to show; the server disconnects right after sending it. */
  authRevoked: serverEvent('auth:revoked').carries<{ reason: SignInRevokedReason; message: string }>(),
};
