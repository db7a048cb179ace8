/**
 * The bounds of what people type, as numbers without zod: the schemas are built from them, and the
 * web client's fields take their maxLength, min and max from here (imported alone, as
 * `@classconnect/contracts/limits`, so a phone downloads a few numbers, not the schemas).
 * Lengths count UTF-16 code units, as JavaScript and the browser's maxLength do.
 */
export const InputLimits = {
  personName: { max: 200 },
  email: { max: 254 },
  newPassword: { min: 8, max: 1_024 },
  /** A search box (people, teachers, the live roster). */
  search: { max: 100 },
  courseCode: { max: 64 },
  courseTitle: { max: 200 },
  courseTerm: { max: 64 },
  roomName: { max: 100 },
  building: { max: 100 },
  radiusM: { min: 10, max: 2_000 },
  webhookUrl: { max: 2_000 },
  webhookDescription: { max: 200 },
  markReason: { max: 500 },
  /** A rate (0 … 1); the web client shows it as a percentage. */
  warningMinRate: { min: 0, max: 1 },
  warningMinSessions: { min: 1, max: 1_000 },
  warningConsecutiveAbsences: { min: 0, max: 1_000 },
} as const;
