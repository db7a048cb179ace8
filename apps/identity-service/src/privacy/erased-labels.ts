import type { Role } from '@classconnect/contracts';

/** What an erased account is called from then on, everywhere its name was shown: reports, rosters, the audit log. */
export function erasedLabel(role: Role): string {
  return role === 'student' ? 'Erased student' : role === 'teacher' ? 'Erased teacher' : 'Erased administrator';
}

/**
 * The email an erased account keeps in identity.users: made from the id alone (no personal data),
 * unique as the column requires, and in a domain that can never receive mail (RFC 2606).
 */
export function erasedEmail(userId: string): string {
  return `erased+${userId}@erased.invalid`;
}

/**
 * A copy of an audit entry's details with every mention of the person (their name or email,
 * anywhere in a string, in any letter case) replaced by the label. Names that happen to be part of
 * a teacher's free-text reason are replaced too: that is the point.
 */
export function scrubMentions(value: unknown, mentions: readonly string[], label: string): unknown {
  const needles = mentions.filter((m) => m.trim().length > 0);
  const scrub = (v: unknown): unknown => {
    if (typeof v === 'string') return needles.reduce((text, needle) => replaceAllIgnoringCase(text, needle, label), v);
    if (Array.isArray(v)) return v.map(scrub);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, scrub(inner)]));
    return v;
  };
  return scrub(value);
}

function replaceAllIgnoringCase(text: string, needle: string, replacement: string): string {
  const pattern = new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'giu');
  return text.replace(pattern, () => replacement);
}
