import { z } from 'zod';
import { Base64Url } from './primitives.js';

/** Some browsers and libraries send null for an absent optional field; treat it as absent. */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

/** What the browser's navigator.credentials.create() returns, serialised as JSON (WebAuthn L3 toJSON). */
export const RegistrationResponse = z
  .object({
    id: Base64Url(1_024),
    rawId: Base64Url(1_024),
    type: z.literal('public-key'),
    response: z
      .object({
        clientDataJSON: Base64Url(4_096),
        attestationObject: Base64Url(16_384),
        transports: z.array(z.string().max(32)).max(10).optional(),
        authenticatorData: Base64Url(8_192).optional(),
        publicKey: Base64Url(4_096).optional(),
        publicKeyAlgorithm: z.number().int().optional(),
      })
      .strict(),
    authenticatorAttachment: optional(z.enum(['platform', 'cross-platform'])),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type RegistrationResponse = z.infer<typeof RegistrationResponse>;

/** What navigator.credentials.get() returns, serialised as JSON. */
export const AuthenticationResponse = z
  .object({
    id: Base64Url(1_024),
    rawId: Base64Url(1_024),
    type: z.literal('public-key'),
    response: z
      .object({
        clientDataJSON: Base64Url(4_096),
        authenticatorData: Base64Url(8_192),
        signature: Base64Url(1_024),
        userHandle: optional(Base64Url(512)),
      })
      .strict(),
    authenticatorAttachment: optional(z.enum(['platform', 'cross-platform'])),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
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
