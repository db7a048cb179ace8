import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '@classconnect/contracts';
import { detectDelimiter, normalizeHeader, parseRoster } from './roster-import.parser.js';

describe('parseRoster', () => {
  it('reads a comma-separated file with its columns in any order and any case', () => {
    const r = parseRoster('Name,COURSE,Email\nAda Lovelace,CS101,Ada@Uni.Example\n');
    expect(r).toMatchObject({ delimiter: ',', hasCourseColumn: true });
    expect(r.lines).toEqual([{ line: 2, email: 'ada@uni.example', name: 'Ada Lovelace', courseCode: 'CS101' }]);
  });

  it('reports the columns it does not use: an unknown header, and data under no header', () => {
    const r = parseRoster('email,name,Groupe\nada@uni.example,Ada Lovelace,TD1,extra\nbob@uni.example,Bob,TD2,\n');
    expect(r.ignoredColumns).toEqual(['Groupe', 'column 4']);
    expect(parseRoster('email,name\nada@uni.example,Ada\n').ignoredColumns).toEqual([]);
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

describe('text the database cannot hold', () => {
  it('refuses a line whose cell has a control character, blanking that cell so it reaches no query', () => {
    const r = parseRoster('email,name,course\nbell@uni.example,Ada\u0007,CS101\nesc@uni.example\u001B,Esc,CS101\ndel@uni.example,Del,CS\u007F101\nnel@uni.example,N\u0085el,CS101\nok@uni.example,Ok,CS101\n');
    expect(r.lines).toEqual([
      { line: 2, email: 'bell@uni.example', name: '', courseCode: 'CS101', badText: { column: 'name', message: 'The name contains a control character (U+0007), which cannot be stored: remove it.' } },
      { line: 3, email: '', name: 'Esc', courseCode: 'CS101', badText: { column: 'email', message: 'The email contains a control character (U+001B), which cannot be stored: remove it.' } },
      { line: 4, email: 'del@uni.example', name: 'Del', courseCode: '', badText: { column: 'course', message: 'The course code contains a control character (U+007F), which cannot be stored: remove it.' } },
      { line: 5, email: 'nel@uni.example', name: '', courseCode: 'CS101', badText: { column: 'name', message: 'The name contains a control character (U+0085), which cannot be stored: remove it.' } },
      { line: 6, email: 'ok@uni.example', name: 'Ok', courseCode: 'CS101' },
    ]);
  });

  it('refuses a name longer than an account name may be', () => {
    const r = parseRoster(`email,name\nlong@uni.example,${'x'.repeat(201)}\nfits@uni.example,${'x'.repeat(100)}   ${'y'.repeat(99)}\n`);
    expect(r.lines.map((l) => [l.line, l.badText?.column, l.badText?.message])).toEqual([
      [2, 'name', 'The name is longer than 200 characters.'],
      [3, undefined, undefined],
    ]);
  });

  it('still reads tabs and line breaks inside quoted names as spaces, and composes accents (NFC)', () => {
    const r = parseRoster('email,name\na@uni.example,"Le\u0301a\tMartin\nDupont"\n');
    expect(r.lines).toEqual([{ line: 2, email: 'a@uni.example', name: 'Léa Martin Dupont', courseCode: '' }]);
  });

  it('refuses the whole file when it holds a NUL or a lone surrogate anywhere: it is not text', () => {
    expect(() => parseRoster('email,name\na@uni.example,Ada\u0000\n')).toThrow(
      expect.objectContaining({ code: ErrorCode.VALIDATION_FAILED, message: expect.stringContaining('NUL character (U+0000)') }),
    );
    expect(() => parseRoster('email,name\na@uni.example,Ada\uD800\n')).toThrow(
      expect.objectContaining({ code: ErrorCode.VALIDATION_FAILED, message: expect.stringContaining('not valid Unicode text') }),
    );
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
