import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { DomainError, ErrorCode } from './error-codes.js';
import { Email, HumanText, TextWithoutNul } from './primitives.js';
import { parseOrThrow } from './validation.js';

const Line = HumanText({ max: 5 });
const Reason = HumanText({ max: 20, multiline: true });

function refusal(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues[0]!.message;
}

describe('HumanText', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['a C0 control (BEL)', 'a\u0007b'],
    ['escape', 'a\u001Bb'],
    ['vertical tab', 'a\u000Bb'],
    ['DEL', 'a\u007Fb'],
    ['a C1 control (NEL)', 'a\u0085b'],
    ['the last C1 control', 'a\u009Fb'],
    ['NUL at the end, where trimming would not remove it', 'ab\u0000'],
  ])('refuses %s, in single-line and multi-line fields', (_, value) => {
    expect(refusal(Line, value)).toBe('must not contain control characters');
    expect(refusal(Reason, value)).toBe('must not contain control characters');
  });

  it.each([
    ['a lone high surrogate', 'a\uD800b'],
    ['a lone low surrogate', 'a\uDC00b'],
    ['a pair in the wrong order', '\uDE00\uD83D'],
  ])('refuses %s', (_, value) => {
    expect(refusal(Line, value)).toBe('must be valid Unicode text (it contains a lone surrogate)');
  });

  it('keeps characters outside the BMP (a well-formed surrogate pair) and other scripts', () => {
    expect(Line.parse('Zoë😀')).toBe('Zoë😀');
    expect(HumanText({ max: 50 }).parse('Đặng Thị Ngọc Hà, 王小明, Ørsted')).toBe('Đặng Thị Ngọc Hà, 王小明, Ørsted');
  });

  it('allows tabs and line breaks inside a multi-line field only', () => {
    expect(Reason.parse('ill,\n\tsee note\r\nok')).toBe('ill,\n\tsee note\r\nok');
    expect(refusal(Line, 'a\tb')).toBe('must be one line, without tabs or line breaks');
    expect(refusal(Line, 'a\nb')).toBe('must be one line, without tabs or line breaks');
    expect(refusal(Line, 'a\rb')).toBe('must be one line, without tabs or line breaks');
  });

  it('trims white space at both ends, line breaks included, as the fields did before', () => {
    expect(Line.parse('  Ada \n')).toBe('Ada');
    expect(Reason.parse('\n ill \n')).toBe('ill');
    expect(refusal(Line, ' \t\n ')).toBe('must not be empty');
    expect(HumanText({ max: 5, trim: false, min: 0 }).parse(' a ')).toBe(' a ');
  });

  it('normalises to NFC: a combining accent becomes the precomposed letter', () => {
    expect(Line.parse('e\u0301')).toBe('\u00E9');
    expect(Line.parse('Cafe\u0301')).toBe('Café');
  });

  it('counts the length after normalisation', () => {
    const five = 'e\u0301'.repeat(5); // 10 code units as sent, 5 characters once composed
    expect(five).toHaveLength(10);
    expect(Line.parse(five)).toBe('é'.repeat(5));
    expect(refusal(Line, 'e\u0301'.repeat(6))).toBe('must be at most 5 characters');
  });

  it('names the field in a sentence that reads well', () => {
    const schema = z.object({ reason: Reason }).strict();
    let thrown: unknown;
    try {
      parseOrThrow(schema, { reason: 'late\u0000' }, 'attendance:mark payload');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((thrown as DomainError).message).toBe('The attendance:mark payload is not valid: reason must not contain control characters.');
    expect((thrown as DomainError).issues?.[0]).toEqual({ path: 'reason', message: 'must not contain control characters' });
  });
});

describe('TextWithoutNul (passwords, files)', () => {
  const Password = TextWithoutNul({ min: 8, max: 64 });
  it('takes any character but NUL, as given', () => {
    expect(Password.parse(' p\tä§$\u0085 ')).toBe(' p\tä§$\u0085 ');
    expect(refusal(Password, 'password\u0000')).toBe('must not contain the NUL character (U+0000)');
  });
});

describe('Email', () => {
  it('trims and lower-cases, and names a control character as such', () => {
    expect(Email.parse('  Ada@Uni.Example ')).toBe('ada@uni.example');
    expect(refusal(Email, 'ada@uni.example\u0000')).toBe('must not contain control characters');
    expect(refusal(Email, '\u0000ada@uni.example')).toBe('must not contain control characters');
    expect(refusal(Email, 'ada@uni.example\uD800')).toBe('must not contain control characters');
  });
});
