import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '@classconnect/contracts';
import { detectDelimiter, normalizeHeader, parseRoster } from './roster-import.parser.js';

describe('parseRoster', () => {
  it('reads a comma-separated file with its columns in any order and any case', () => {
    const r = parseRoster('Name,COURSE,Email\nAda Lovelace,CS101,Ada@Uni.Example\n');
    expect(r).toMatchObject({ delimiter: ',', hasCourseColumn: true });
    expect(r.lines).toEqual([{ line: 2, email: 'ada@uni.example', name: 'Ada Lovelace', courseCode: 'CS101' }]);
  });

  it('reads what a spreadsheet in a French locale exports: BOM, semicolons, quotes, CRLF, blank lines at the end', () => {
    const csv = '\uFEFFCourriel;Nom complet;Code cours\r\n"lea@uni.example";"Martin; Léa";"PH110"\r\n\r\nmax@uni.example;"Max ""Le Grand"" Petit";PH110\r\n\r\n\r\n';
    const r = parseRoster(csv);
    expect(r.delimiter).toBe(';');
    expect(r.lines).toEqual([
      { line: 2, email: 'lea@uni.example', name: 'Martin; Léa', courseCode: 'PH110' },
      { line: 4, email: 'max@uni.example', name: 'Max "Le Grand" Petit', courseCode: 'PH110' },
    ]);
  });

  it('counts lines from where each record starts, also after a field spanning two lines', () => {
    const r = parseRoster('email\tname\na@uni.example\t"Two\nLines"\nb@uni.example\tB\n');
    expect(r.delimiter).toBe('\t');
    expect(r.lines.map((l) => [l.line, l.name])).toEqual([
      [2, 'Two Lines'],
      [4, 'B'],
    ]);
  });

  it('joins first and last names; "Nom" beside "Prénom" is the family name', () => {
    expect(parseRoster('Prénom;Nom;E-mail\nLéa;Martin;lea@uni.example\n').lines[0]).toMatchObject({ name: 'Léa Martin' });
    expect(parseRoster('first name,last name,email\nAda,Lovelace,ada@uni.example\n').lines[0]).toMatchObject({ name: 'Ada Lovelace' });
    expect(parseRoster('nom;email\nLéa Martin;lea@uni.example\n').lines[0]).toMatchObject({ name: 'Léa Martin' });
  });

  it('keeps lines with missing cells (the plan reports them) and skips blank lines', () => {
    const r = parseRoster('email,name,course\n\n,No Email,CS101\nshort@uni.example\n  \n');
    expect(r.lines).toEqual([
      { line: 3, email: '', name: 'No Email', courseCode: 'CS101' },
      { line: 4, email: 'short@uni.example', name: '', courseCode: '' },
    ]);
    expect(parseRoster('email\nx@uni.example\n').hasCourseColumn).toBe(false);
  });

  it('refuses a file without an email column, an empty file and an unclosed quote, saying why', () => {
    expect(() => parseRoster('name;course\nLéa;PH110\n')).toThrow(expect.objectContaining({ code: ErrorCode.VALIDATION_FAILED, message: expect.stringContaining('"email"') }));
    expect(() => parseRoster('\n\n')).toThrow(expect.objectContaining({ code: ErrorCode.VALIDATION_FAILED, message: expect.stringContaining('empty') }));
    expect(() => parseRoster('email,name\n"a@uni.example,Léa\n')).toThrow(expect.objectContaining({ code: ErrorCode.VALIDATION_FAILED, message: expect.stringContaining('quote') }));
  });
});

describe('headers and separators', () => {
  it('normalizes header names', () => {
    expect(normalizeHeader(' E-mail ')).toBe('email');
    expect(normalizeHeader('Prénom')).toBe('prenom');
    expect(normalizeHeader('Code_Cours')).toBe('codecours');
  });

  it('detects the separator from the header line, ignoring quoted ones', () => {
    expect(detectDelimiter('"a;b",c,d\nx;y;z;w')).toBe(',');
    expect(detectDelimiter('a;b;c')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('email')).toBe(',');
  });
});
