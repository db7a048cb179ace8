import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import { InputLimits } from './limits.js';
import { Email, RadiusM } from './primitives.js';
import { ListUsersRequest, NewPassword, PersonName } from './directory/accounts.js';
import { CourseCode, CourseTerm, CourseTitle } from './directory/courses.js';
import { RoomFields } from './directory/rooms.js';
import { WebhookFields } from './webhooks/rpc.js';
import { MarkReason } from './sessions/rpc.js';
import { WarningThresholds } from './warnings/events.js';

/** The schema takes `max` characters and refuses one more (and, when given, refuses one fewer than `min`). */
function boundsText(schema: z.ZodType, { min, max }: { min?: number; max: number }, fill = (n: number) => 'a'.repeat(n)) {
  expect(schema.safeParse(fill(max)).success).toBe(true);
  expect(schema.safeParse(fill(max + 1)).success).toBe(false);
  if (min !== undefined) {
    expect(schema.safeParse(fill(min)).success).toBe(true);
    expect(schema.safeParse(fill(min - 1)).success).toBe(false);
  }
}

function boundsNumber(schema: z.ZodType, { min, max }: { min: number; max: number }, step = 1) {
  for (const [value, ok] of [[min, true], [max, true], [min - step, false], [max + step, false]] as const) expect(schema.safeParse(value).success).toBe(ok);
}

describe('the input limits the web client shows are the ones the schemas enforce', () => {
  it('text fields', () => {
    boundsText(PersonName, InputLimits.personName);
    boundsText(NewPassword, InputLimits.newPassword);
    boundsText(CourseCode, InputLimits.courseCode);
    boundsText(CourseTitle, InputLimits.courseTitle);
    boundsText(CourseTerm, InputLimits.courseTerm);
    boundsText(RoomFields.name, InputLimits.roomName);
    boundsText(RoomFields.building, InputLimits.building);
    boundsText(WebhookFields.description, InputLimits.webhookDescription);
    boundsText(MarkReason, InputLimits.markReason);
    // A real-looking address of n characters: 64 before the @, then labels of nine letters.
    const domain = (n: number) => Array.from({ length: n }, (_, i) => (i % 10 === 9 && i < n - 1 ? '.' : 'b')).join('');
    boundsText(Email, InputLimits.email, (n) => `${'a'.repeat(64)}@${domain(n - 64 - 1 - 4)}.edu`);
    boundsText(WebhookFields.url, InputLimits.webhookUrl, (n) => `https://example.org/${'p'.repeat(n - 20)}`);
    boundsText(ListUsersRequest.shape.query, InputLimits.search);
  });

  it('numbers', () => {
    boundsNumber(RadiusM, InputLimits.radiusM);
    const t = WarningThresholds.shape;
    boundsNumber(t.minRate, InputLimits.warningMinRate, 0.01);
    boundsNumber(t.minSessions, InputLimits.warningMinSessions);
    boundsNumber(t.consecutiveAbsences, InputLimits.warningConsecutiveAbsences);
  });
});
