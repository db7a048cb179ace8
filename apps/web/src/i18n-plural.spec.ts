import { describe, expect, it } from '@jest/globals';

// i18n.ts reads navigator at import; the unit tier runs in node, where it falls back to English.
const { plural } = await import('./i18n.js');

describe('plurals through Intl.PluralRules', () => {
  it('says "1 student" and "2 students", and French treats 0 and 1 as one', () => {
    expect(plural('courseStudents', 1, 'en')).toBe('1 student');
    expect(plural('courseStudents', 2, 'en')).toBe('2 students');
    expect(plural('courseStudents', 0, 'en')).toBe('0 students');
    expect(plural('courseStudents', 0, 'fr')).toBe('0 étudiant·e');
    expect(plural('courseStudents', 1, 'fr')).toBe('1 étudiant·e');
    expect(plural('courseStudents', 3, 'fr')).toBe('3 étudiant·es');
  });
});
