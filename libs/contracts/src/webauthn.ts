import { z } from 'zod';
import { Base64Url } from './primitives.js';

/** Some browsers and libraries send null for an absent optional field: such fields are treated as absent. */
function withoutNulls(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}

/** What the browser's navigator.credentials.create() returns, serialised as JSON (WebAuthn L3 toJSON). */
export const RegistrationResponse = z.preprocess(
  withoutNulls,
  z
  .object({
    id: Base64Url(1_024),
    rawId: Base64Url(1_024),
    type: z.literal('public-key'),
    response: z.preprocess(
      withoutNulls,
      z
      .object({
        clientDataJSON: Base64Url(4_096),
        attestationObject: Base64Url(16_384),
        // Stored with the passkey: tokens such as `internal` or `hybrid`, never control characters.
        transports: z.array(z.string().max(32).regex(/^[\x21-\x7E]*$/, 'must be a transport name')).max(10).optional(),
        authenticatorData: Base64Url(8_192).optional(),
        publicKey: Base64Url(4_096).optional(),
        publicKeyAlgorithm: z.number().int().optional(),
      })
      .strict(),
    ),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  })
  .strict(),
);
export type RegistrationResponse = z.infer<typeof RegistrationResponse>;

/** What navigator.credentials.get() returns, serialised as JSON. */
export const AuthenticationResponse = z.preprocess(
  withoutNulls,
  z
  .object({
    id: Base64Url(1_024),
    rawId: Base64Url(1_024),
    type: z.literal('public-key'),
    response: z.preprocess(
      withoutNulls,
      z
      .object({
        clientDataJSON: Base64Url(4_096),
        authenticatorData: Base64Url(8_192),
        signature: Base64Url(1_024),
        userHandle: Base64Url(512).optional(),
      })
      .strict(),
    ),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  })
  .strict(),
);
export type AuthenticationResponse = z.infer<typeof AuthenticationResponse>;

/** Options handed to navigator.credentials.create(); shapes follow the WebAuthn JSON forms. */
export interface RegistrationOptions {
  challenge: string;
  rp: { id: string; name: string };
  user: { id: string; name: string; displayName: string };
  pubKeyCredParams: { type: 'public-key'; alg: number }[];
  timeout?: number;
  attestation?: string;
  excludeCredentials?: { id: string; type: 'public-key'; transports?: string[] }[];
  authenticatorSelection?: { residentKey?: string; userVerification?: string; requireResidentKey?: boolean };
  extensions?: Record<string, unknown>;
  hints?: string[];
}

/** Options handed to navigator.credentials.get(). */
export interface AuthenticationOptions {
  challenge: string;
  rpId?: string;
  timeout?: number;
  allowCredentials?: { id: string; type: 'public-key'; transports?: string[] }[];
  userVerification?: string;
  extensions?: Record<string, unknown>;
}
