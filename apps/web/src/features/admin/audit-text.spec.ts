import { describe, expect, it } from '@jest/globals';
import type { AuditEntry } from '@classconnect/contracts';

// i18n.ts reads navigator at import; the unit tier runs in node, where it falls back to English.
const { auditText } = await import('./audit-text.js');
const { plural } = await import('../../i18n.js');

const student = '6f1c2a3e-1b2c-4d5e-8f90-123456789abc';
const admin = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const entry = (action: string, details: Record<string, unknown>, actorId: string | null = admin): AuditEntry => ({
  id: 1,
  at: '2026-12-07T08:00:00.000Z',
  actorId,
  actorName: actorId ? 'Morgan Admin' : null,
  action,
  targetType: 'account',
  targetId: student,
  summary: `${action} — the server's English fallback.`,
  details,
  names: { [student]: 'Rosa Okafor' },
});

describe('audit lines worded from the entry’s own fields', () => {
  it('says whether a device was approved or refused, whose, and which', () => {
    const d = { credentialId: 'abc', studentId: student, deviceName: 'Pixel 8', decision: 'denied' };
    expect(auditText(entry('directory.device.decided.v1', d))).toBe('Refused the new device “Pixel 8” of Rosa Okafor.');
    expect(auditText(entry('directory.device.decided.v1', { ...d, decision: 'approved' }))).toBe('Approved the new device “Pixel 8” of Rosa Okafor.');
  });

  it('words a device waiting for approval instead of showing the event name', () => {
    const text = auditText(entry('directory.device.approval-requested.v1', { credentialId: 'abc', studentId: student, deviceName: 'Pixel 8', courseIds: [] }, student));
    expect(text).toBe('Rosa Okafor added a new device “Pixel 8”, waiting for approval.');
  });

  it('says what became of an erased person’s attendance, and whether the retention period did it', () => {
    const names = { [student]: 'Erased student' };
    const byAdmin = { ...entry('directory.account.erased.v1', { userId: student, attendance: 'pseudonymised', erasedBy: admin }), names };
    expect(auditText(byAdmin)).toBe('Erased an account, now shown as Erased student; their attendance is kept under this name.');
    const bySystem = { ...entry('directory.account.erased.v1', { userId: student, attendance: 'removed' }, null), names };
    expect(auditText(bySystem)).toBe('Erased an account past the retention period, now shown as Erased student; their attendance was removed.');
  });

  it('keeps the server’s summary for an action it does not know', () => {
    expect(auditText(entry('directory.something-new.v1', {}))).toBe("directory.something-new.v1 — the server's English fallback.");
  });
});

describe('counts in the admin console through Intl.PluralRules', () => {
  it('words one and many apart in both languages, and French 0 as one', () => {
    expect(plural('deadCount', 1, 'en')).toBe('1 message set aside.');
    expect(plural('deadCount', 2, 'en')).toBe('2 messages set aside.');
    expect(plural('deadTries', 1, 'en')).toBe('1 failed try');
    expect(plural('deadTries', 0, 'fr')).toBe('0 essai échoué');
    expect(plural('teacherMore', 1, 'en')).toBe('1 more teacher matches: type more of the name.');
    expect(plural('teacherMore', 5, 'fr')).toBe('5 autres résultats : précisez le nom.');
  });
});
