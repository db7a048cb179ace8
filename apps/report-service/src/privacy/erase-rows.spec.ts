import { describe, expect, it } from '@jest/globals';
import type { UserSummary } from '@classconnect/contracts';
import { buildReport, type ReportInput } from '../reports/report-builder.js';
import type { OverrideRecord } from '../reports/report.ports.js';
import { ErasedStudentName, eraseFromReport, mentionsOf, scrubMentions } from './erase-rows.js';

const ids = {
  ada: '00000000-0000-4000-8000-00000000000a',
  bob: '00000000-0000-4000-8000-00000000000b',
  cyd: '00000000-0000-4000-8000-00000000000c',
  dee: '00000000-0000-4000-8000-00000000000d',
};
const teacher = '00000000-0000-4000-8000-0000000000ff';
const people: UserSummary[] = [
  { id: ids.ada, name: 'Ada Lovelace', email: 'ada@uni.test', role: 'student' },
  { id: ids.bob, name: 'Bob Brown', email: 'bob@uni.test', role: 'student' },
  { id: ids.cyd, name: 'Cyd Charisse', email: 'cyd@uni.test', role: 'student' },
  { id: ids.dee, name: 'Dee Dee', email: 'dee@uni.test', role: 'student' },
];
const override = (studentId: string, reason: string): OverrideRecord => ({ studentId, status: 'excused', reason, changedBy: teacher, changedAt: '2025-03-01T10:00:00.000Z', sequence: 1 });

/** Ada present, Bob late, Cyd excused by hand (the reason names Ada), Dee absent. */
function input(users = people, overrides = new Map([[ids.cyd, override(ids.cyd, 'Drove ada lovelace to hospital (ada@uni.test); Adam agreed')]])): ReportInput {
  return {
    enrolledIds: [ids.ada, ids.bob, ids.cyd, ids.dee],
    presentIds: [ids.ada, ids.bob],
    marks: [
      { studentId: ids.ada, submissionId: 's-a', markedAt: '2025-03-01T09:01:00.000Z', distanceM: 10, accuracyM: 5, methods: ['passkey'], status: 'present' },
      { studentId: ids.bob, submissionId: 's-b', markedAt: '2025-03-01T09:20:00.000Z', distanceM: 12, accuracyM: 6, methods: ['passkey'], status: 'late' },
    ],
    lastRejections: new Map(),
    users,
    overrides,
  };
}

describe('eraseFromReport', () => {
  const built = buildReport(input());
  const mentions = mentionsOf(built.rows, ids.ada);

  it('pseudonymised: renames the person’s row and empties its email, keeps every count, and scrubs reasons that named them', () => {
    const erased = eraseFromReport(built, ids.ada, 'pseudonymised', mentions)!;
    expect(erased.rows.find((r) => r.studentId === ids.ada)).toMatchObject({ name: ErasedStudentName, email: '', status: 'present', distanceM: 10 });
    expect([erased.presentCount, erased.absentCount]).toEqual([built.presentCount, built.absentCount]);
    expect(erased.rows.find((r) => r.studentId === ids.cyd)?.override?.reason).toBe('Drove Erased student to hospital (Erased student); Adam agreed');
    expect(JSON.stringify(erased.rows)).not.toMatch(/ada@|lovelace/i);
    // What a rebuild would produce from identity's answer for the erased id and the scrubbed reason: nothing new for it to announce.
    const rebuilt = buildReport(
      input(
        people.map((p) => (p.id === ids.ada ? { ...p, name: ErasedStudentName, email: '' } : p)),
        new Map([[ids.cyd, override(ids.cyd, 'Drove Erased student to hospital (Erased student); Adam agreed')]]),
      ),
    );
    expect(erased.rows).toEqual(rebuilt.rows);
  });

  it('changes nothing the second time', () => {
    const erased = eraseFromReport(built, ids.ada, 'pseudonymised', mentions)!;
    const again = eraseFromReport({ rows: JSON.parse(JSON.stringify(erased.rows)) }, ids.ada, 'pseudonymised', mentionsOf(erased.rows, ids.ada));
    expect(again).toBeNull();
    expect(eraseFromReport(built, '00000000-0000-4000-8000-000000000999', 'pseudonymised', [])).toBeNull();
  });

  it('removed: drops the row and counts again, late as in the room and excused as not', () => {
    expect([built.presentCount, built.absentCount]).toEqual([2, 2]);
    const withoutBob = eraseFromReport(built, ids.bob, 'removed', mentionsOf(built.rows, ids.bob))!;
    expect(withoutBob.rows.map((r) => r.studentId)).toEqual([ids.ada, ids.cyd, ids.dee]);
    expect([withoutBob.presentCount, withoutBob.absentCount]).toEqual([1, 2]);
    const withoutCyd = eraseFromReport(built, ids.cyd, 'removed', mentionsOf(built.rows, ids.cyd))!;
    expect([withoutCyd.presentCount, withoutCyd.absentCount]).toEqual([2, 1]);
    expect(eraseFromReport({ rows: withoutBob.rows }, ids.bob, 'removed', [])).toBeNull();
  });

  it('removed: the person is no longer waited for, and a report missing nobody else is complete', () => {
    const incomplete = { reason: 'EVENTS_MISSING' as const, missingStudentIds: [ids.bob], openedMissing: false };
    expect(eraseFromReport({ ...built, incomplete }, ids.bob, 'removed', [])?.incomplete).toBeNull();
    const two = { ...incomplete, missingStudentIds: [ids.ada, ids.bob] };
    expect(eraseFromReport({ ...built, incomplete: two }, ids.bob, 'removed', [])?.incomplete).toEqual({ ...incomplete, missingStudentIds: [ids.ada] });
    // Pseudonymised, the person's row stays, and so does waiting for their mark.
    expect(eraseFromReport({ ...built, incomplete: two }, ids.bob, 'pseudonymised', mentionsOf(built.rows, ids.bob))?.incomplete).toEqual(two);
  });
});

describe('scrubMentions', () => {
  it('replaces whole words only, in any letter case, longest mention first', () => {
    expect(scrubMentions('Al said: AL was late, Alice and Albert were not', ['Al'])).toBe('Erased student said: Erased student was late, Alice and Albert were not');
    expect(scrubMentions('Ask Ada Lovelace', ['Ada', 'Ada Lovelace'])).toBe('Ask Erased student');
    expect(scrubMentions('mail a.b+c@uni.test now', ['a.b+c@uni.test'])).toBe('mail Erased student now');
  });

  it('takes the person’s names and emails from their rows, never the label or an empty email', () => {
    expect(mentionsOf([{ studentId: ids.ada, name: ' Ada ', email: '', status: 'absent' }, { studentId: ids.bob, name: 'Bob', email: 'b@x.test', status: 'absent' }], ids.ada)).toEqual(['Ada']);
    expect(mentionsOf([{ studentId: ids.ada, name: ErasedStudentName, email: '', status: 'absent' }], ids.ada)).toEqual([]);
  });
});
