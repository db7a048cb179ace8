import { z } from 'zod';
import { InputLimits } from './limits.js';

export const Id = z.string().uuid();
export const Role = z.enum(['admin', 'teacher', 'student']);
export type Role = z.infer<typeof Role>;

/** Who performs an action. Set by the gateway from the verified access token, never from a client payload. */
export const Actor = z.object({ userId: Id, role: Role }).strict();
export type Actor = z.infer<typeof Actor>;

/** A request whose only field is who asks. */
export const ActorRequest = z.object({ actor: Actor }).strict();
export type ActorRequest = z.infer<typeof ActorRequest>;
/**
 * A request that carries nothing: a client event whose only input is who sends it, or an internal
 * request made before anyone is known (identity → verification: a sign-in challenge).
 */
export const EmptyRequest = z.object({}).strict();

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

export const RadiusM = z.number().int().min(InputLimits.radiusM.min).max(InputLimits.radiusM.max);

/** A base64url string of bounded length (WebAuthn binary fields travel this way). */
export const Base64Url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

export const IsoTime = z.string().datetime({ offset: true });

// ---------- text people type ----------
/**
 * Control characters: C0 (U+0000–U+001F), DEL and C1 (U+007F–U+009F). PostgreSQL refuses NUL in
 * text and jsonb, and the others have no business in a name or a reason (they hide text, break
 * CSV exports and logs). Tab, line feed and carriage return are left to the multi-line check.
 */
export const ControlCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** A lone UTF-16 surrogate (the u flag keeps well-formed pairs out of the range): not Unicode text, and jsonb refuses it. */
export const LoneSurrogate = /[\uD800-\uDFFF]/u;
const LineBreakOrTab = /[\t\n\r]/;

export interface HumanTextOptions {
  /** The most characters (UTF-16 code units, as JavaScript counts them), counted after NFC normalisation and trimming. */
  max: number;
  /** The fewest characters after trimming (default 1: blank is not a value). */
  min?: number;
  /** Allows tabs and line breaks inside the text (a reason); single-line fields refuse them. */
  multiline?: boolean;
  /** Trims white space at both ends (default true). */
  trim?: boolean;
}

/**
 * Every field a person types (names, titles, codes, reasons, device names, search filters): refuses
 * control characters and lone surrogates, normalises to NFC (so 'e\u0301' and 'é' are the same
 * name, in the database and in a search), trims, then bounds the length. The character checks run
 * on the text as sent, before trimming could hide anything; line breaks are judged after trimming,
 * so a name pasted with a trailing newline still reads as one line, as it did before.
 */
export function HumanText({ max, min = 1, multiline = false, trim = true }: HumanTextOptions) {
  let text = z
    .string()
    .refine((s) => !ControlCharacter.test(s), 'must not contain control characters')
    .refine((s) => !LoneSurrogate.test(s), 'must be valid Unicode text (it contains a lone surrogate)')
    .normalize('NFC');
  if (trim) text = text.trim();
  if (!multiline) text = text.refine((s) => !LineBreakOrTab.test(s), 'must be one line, without tabs or line breaks');
  // Sentences for people: "The user:create payload is not valid: name must not be empty."
  return text.min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`).max(max, `must be at most ${max} characters`);
}

/**
 * Text taken as given, for secrets and files (passwords, a roster file): any character but NUL,
 * which argon2 and PostgreSQL cannot take and no real password or file holds.
 */
export function TextWithoutNul({ max, min = 1 }: { max: number; min?: number }) {
  return z
    .string()
    .refine((s) => !s.includes('\u0000'), 'must not contain the NUL character (U+0000)')
    .min(min)
    .max(max);
}

/** An email address as a person types it: trimmed and lower-cased. A control character is named as such, not as a bad address. */
export const Email = z
  .string()
  .refine((s) => !ControlCharacter.test(s) && !LoneSurrogate.test(s), 'must not contain control characters')
  .trim()
  .toLowerCase()
  .email()
  .max(InputLimits.email.max);

/** The IANA name as this runtime's time-zone data spells it (`europe/paris` → `Europe/Paris`), or null when it names no zone. */
export function canonicalTimeZone(name: string): string | null {
  // Names only: offsets such as "+01:00" are accepted by newer runtimes but follow no daylight saving.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/.test(name)) return null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** An IANA time zone name (Europe/Paris, America/New_York, UTC), written back in its canonical spelling. */
export const TimeZone = z
  .string()
  .max(64)
  .transform((name, ctx) => {
    const zone = canonicalTimeZone(name);
    if (zone === null) {
      ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone name such as Europe/Paris' });
      return z.NEVER;
    }
    return zone;
  });
