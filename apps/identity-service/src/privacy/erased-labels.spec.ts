import { describe, expect, it } from '@jest/globals';
import { erasedEmail, erasedLabel, scrubMentions } from './erased-labels.js';

describe('erased accounts', () => {
  it('are called by their role and keep an email made from the id alone, which can never receive mail', () => {
    expect(erasedLabel('student')).toBe('Erased student');
    expect(erasedLabel('teacher')).toBe('Erased teacher');
    expect(erasedLabel('admin')).toBe('Erased administrator');
    const id = '22222222-2222-4222-8222-222222222222';
    expect(erasedEmail(id)).toBe(`erased+${id}@erased.invalid`);
    expect(erasedEmail(id)).toBe(erasedEmail(id).toLowerCase()); // users.email must be lower case
  });

  it('scrub every mention of the name and email, in any case and at any depth, and nothing else', () => {
    const details = {
      userId: 'u1',
      name: 'Amara Okafor',
      email: 'amara.okafor@uni.test',
      changes: { name: 'AMARA OKAFOR' },
      reason: 'amara okafor brought a note (cc Amara.Okafor@Uni.test)',
      list: ['Amara Okafor', 3, null, true],
      other: 'Ben Mensah',
    };
    expect(scrubMentions(details, ['Amara Okafor', 'amara.okafor@uni.test'], 'Erased student')).toEqual({
      userId: 'u1',
      name: 'Erased student',
      email: 'Erased student',
      changes: { name: 'Erased student' },
      reason: 'Erased student brought a note (cc Erased student)',
      list: ['Erased student', 3, null, true],
      other: 'Ben Mensah',
    });
  });

  it('treat characters of a name that mean something in a pattern as plain text, and ignore empty mentions', () => {
    expect(scrubMentions('Jo (J.) Smith+ and Jo xJx Smith+', ['Jo (J.) Smith+', ''], 'Erased student')).toBe('Erased student and Jo xJx Smith+');
  });
});
