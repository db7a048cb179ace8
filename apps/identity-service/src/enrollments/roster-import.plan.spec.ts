import { describe, expect, it } from '@jest/globals';
import type { Actor, RosterImportSummary } from '@classconnect/contracts';
import { planRoster, summarySentence, type PlanCourse, type PlanInput } from './roster-import.plan.js';
import type { RosterLine } from './roster-import.parser.js';

const ada: Actor = { userId: '11111111-1111-4111-8111-111111111111', role: 'teacher' };
const alan: Actor = { userId: '22222222-2222-4222-8222-222222222222', role: 'teacher' };
const admin: Actor = { userId: '33333333-3333-4333-8333-333333333333', role: 'admin' };
const cs101: PlanCourse = { id: 'c-cs101', code: 'CS101', title: 'Computing', teacherIds: [ada.userId] };
const ph110: PlanCourse = { id: 'c-ph110', code: 'PH110', title: 'Physics', teacherIds: [alan.userId] };

let n = 1;
const line = (email: string, name = 'Some One', courseCode = 'CS101'): RosterLine => ({ line: ++n, email, name, courseCode });

function input(lines: RosterLine[], over: Partial<PlanInput> = {}): PlanInput {
  return {
    actor: ada,
    lines,
    coursesByCode: new Map([
      ['CS101', cs101],
      ['PH110', ph110],
    ]),
    usersByEmail: new Map([
      ['known@uni.example', { id: 's-known', role: 'student' as const }],
      ['enrolled@uni.example', { id: 's-enrolled', role: 'student' as const }],
      ['prof@uni.example', { id: 't-prof', role: 'teacher' as const }],
      ['boss@uni.example', { id: 'a-boss', role: 'admin' as const }],
    ]),
    enrolled: new Map([
      [
        'c-cs101',
        new Map([
          ['s-enrolled', 'enrolled@uni.example'],
          ['s-gone', 'gone@uni.example'],
        ]),
      ],
    ]),
    removeMissing: false,
    ...over,
  };
}

describe('planRoster', () => {
  it('creates unknown students, enrolls known ones, counts those already enrolled', () => {
    n = 1;
    const plan = planRoster(input([line('new@uni.example', 'New Person'), line('known@uni.example'), line('enrolled@uni.example')]));
    expect(plan.errors).toEqual([]);
    expect(plan.newAccounts).toEqual([{ email: 'new@uni.example', name: 'New Person' }]);
    expect(plan.toEnroll).toEqual([
      { courseId: 'c-cs101', email: 'new@uni.example' },
      { courseId: 'c-cs101', email: 'known@uni.example' },
    ]);
    expect(plan.alreadyEnrolled).toBe(1);
    expect(plan.courses.map((c) => c.code)).toEqual(['CS101']);
  });

  it('gives each bad line its code and a sentence, in line order', () => {
    n = 1;
    const plan = planRoster(
      input([
        line('not-an-email'),
        line(''),
        line('nameless@uni.example', ''),
        line('lost@uni.example', 'Lost', 'NOPE-1'),
        line('known@uni.example'),
        line('known@uni.example'),
        line('prof@uni.example'),
        line('boss@uni.example'),
        line('other@uni.example', 'Other', 'PH110'),
      ]),
    );
    expect(plan.errors.map((e) => [e.line, e.code])).toEqual([
      [2, 'BAD_EMAIL'],
      [3, 'BAD_EMAIL'],
      [4, 'MISSING_NAME'],
      [5, 'UNKNOWN_COURSE'],
      [7, 'DUPLICATE_LINE'],
      [8, 'NOT_A_STUDENT'],
      [9, 'NOT_A_STUDENT'],
      [10, 'NOT_YOUR_COURSE'],
    ]);
    expect(plan.errors.map((e) => e.message)).toEqual([
      '“not-an-email” is not an email address.',
      'The email is missing.',
      'nameless@uni.example has no account yet, and the line gives no name to create it with.',
      'No course has the code “NOPE-1”.',
      'The same student and course are already on line 6.',
      'prof@uni.example belongs to a teacher, not a student: only students are enrolled.',
      'boss@uni.example belongs to an administrator, not a student: only students are enrolled.',
      'You do not teach PH110, so you cannot change its roster.',
    ]);
    expect(plan.toEnroll).toEqual([{ courseId: 'c-cs101', email: 'known@uni.example' }]);
    // Clients word the problem in their own language from these fields.
    expect(plan.errors.find((e) => e.code === 'DUPLICATE_LINE')).toMatchObject({ firstLine: 6, email: 'known@uni.example', courseCode: 'CS101' });
    expect(plan.errors.find((e) => e.line === 9)).toMatchObject({ code: 'NOT_A_STUDENT', role: 'admin' });
    expect(plan.errors.find((e) => e.code === 'UNKNOWN_COURSE')).toMatchObject({ courseCode: 'NOPE-1' });
  });

  it('uses the default course for lines without one, and says when there is none', () => {
    n = 1;
    expect(planRoster(input([line('known@uni.example', 'K', '')], { defaultCourse: cs101 })).toEnroll).toEqual([{ courseId: 'c-cs101', email: 'known@uni.example' }]);
    expect(planRoster(input([line('known@uni.example', 'K', '')])).errors[0]).toMatchObject({ code: 'UNKNOWN_COURSE', message: expect.stringContaining('No course is given') });
  });

  it('matches course codes in any case, and lets an admin import into any course', () => {
    n = 1;
    const plan = planRoster(input([line('a@uni.example', 'A', 'ph110'), line('b@uni.example', 'B', 'cs101')], { actor: admin }));
    expect(plan.errors).toEqual([]);
    expect(plan.courses.map((c) => c.code)).toEqual(['PH110', 'CS101']);
  });

  it('creates one account for a new student listed in two courses', () => {
    n = 1;
    const plan = planRoster(input([line('twice@uni.example', 'Twice', 'CS101'), line('twice@uni.example', '', 'PH110')], { actor: admin }));
    expect(plan.errors).toEqual([]);
    expect(plan.newAccounts).toEqual([{ email: 'twice@uni.example', name: 'Twice' }]);
    expect(plan.toEnroll).toHaveLength(2);
  });

  it('removeMissing removes the enrolled students the file does not list, only in courses with a valid line', () => {
    n = 1;
    const plan = planRoster(input([line('enrolled@uni.example')], { removeMissing: true }));
    expect(plan.toRemove).toEqual([{ courseId: 'c-cs101', studentId: 's-gone' }]);
    // Every line failed: nothing is removed, whatever the option says.
    expect(planRoster(input([line('not-an-email')], { removeMissing: true, defaultCourse: cs101 })).toRemove).toEqual([]);
    expect(planRoster(input([line('enrolled@uni.example')])).toRemove).toEqual([]);
  });
});

describe('summarySentence', () => {
  const s = (over: Partial<RosterImportSummary>): RosterImportSummary => ({
    lines: 0,
    accountsCreated: 0,
    enrolled: 0,
    alreadyEnrolled: 0,
    removed: 0,
    errorLines: 0,
    ...over,
  });

  it('says what a preview would do and what a commit did', () => {
    expect(summarySentence('preview', s({ accountsCreated: 1_992, enrolled: 1_993, errorLines: 6 }))).toBe(
      'Importing this file will create 1,992 student accounts and enroll 1,993 students. 6 lines have errors and are not applied.',
    );
    expect(summarySentence('commit', s({ enrolled: 1, removed: 2, alreadyEnrolled: 3 }))).toBe('Enrolled 1 student and removed 2 students. 3 students were already enrolled.');
    expect(summarySentence('commit', s({ accountsCreated: 2, enrolled: 2, removed: 1 }))).toBe('Created 2 student accounts, enrolled 2 students and removed 1 student.');
  });

  it('says when there is nothing to change', () => {
    expect(summarySentence('commit', s({ alreadyEnrolled: 1_993, errorLines: 1 }))).toBe(
      'Nothing to change: 1,993 students are already enrolled. 1 line has an error and is not applied.',
    );
    expect(summarySentence('preview', s({ errorLines: 2 }))).toBe('Nothing to change: no line can be applied. 2 lines have errors and are not applied.');
  });
});

describe('planRoster: cells that cannot be stored', () => {
  const bad = (l: RosterLine, column: 'email' | 'name' | 'course'): RosterLine => ({ ...l, badText: { column, message: `bad ${column}` } });

  it('refuses the line as BAD_TEXT with the parser’s sentence, where that cell is read', () => {
    n = 1;
    const plan = planRoster(input([bad(line(''), 'email'), bad(line('new@uni.example', 'New', ''), 'course'), bad(line('other@uni.example', ''), 'name'), line('fine@uni.example')]));
    expect(plan.errors).toEqual([
      { line: 2, code: 'BAD_TEXT', message: 'bad email' },
      { line: 3, code: 'BAD_TEXT', message: 'bad course', email: 'new@uni.example' },
      { line: 4, code: 'BAD_TEXT', message: 'bad name', email: 'other@uni.example', courseCode: 'CS101' },
    ]);
    expect(plan.newAccounts).toEqual([{ email: 'fine@uni.example', name: 'Some One' }]);
  });

  it('keeps a listed student whose name cell is unreadable when removing the missing ones', () => {
    n = 1;
    const plan = planRoster(input([bad(line('enrolled@uni.example', ''), 'name'), line('known@uni.example')], { removeMissing: true }));
    expect(plan.errors.map((e) => e.code)).toEqual(['BAD_TEXT']);
    expect(plan.toRemove).toEqual([{ courseId: 'c-cs101', studentId: 's-gone' }]);
  });
});
