import { z } from 'zod';

export const Id = z.string().uuid();
export const Role = z.enum(['admin', 'teacher', 'student']);
export type Role = z.infer<typeof Role>;

/** Who performs an action. Set by the gateway from the verified access token, never from a client payload. */
export const Actor = z.object({ userId: Id, role: Role }).strict();
export type Actor = z.infer<typeof Actor>;

/** A position as the browser's Geolocation API reports it. Used for a decision, then dropped. */
export const Position = z
  .object({
    latitude: z.number().finite().min(-90).max(90),
    longitude: z.number().finite().min(-180).max(180),
    /** Radius of 95% confidence in metres, as reported by the device. */
    accuracy: z.number().finite().min(0).max(100_000),
  })
  .strict();
export type Position = z.infer<typeof Position>;

export const RadiusM = z.number().int().min(10).max(2_000);

/** A base64url string of bounded length (WebAuthn binary fields travel this way). */
export const Base64Url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

export const IsoTime = z.string().datetime({ offset: true });
