/**
 * Reads a roster file: CSV as spreadsheets and student information systems export it. Columns are
 * found by their header (any case, any order): an email, a name (or first and last names) and,
 * optionally, a course code. Tolerates a byte-order mark, `;` or tab separators (French-locale
 * spreadsheets use `;`), quoted fields, Windows line ends and blank lines.
 */
import { parse } from 'csv-parse/sync';
import { ControlCharacter, DomainError, ErrorCode, LoneSurrogate, PersonName } from '@classconnect/contracts';

/** One line of the file with a student on it. Fields are trimmed; missing ones are ''. */
export interface RosterLine {
  /** The line in the file where the record starts (the header is line 1 when it is the first line). */
  line: number;
  email: string;
  name: string;
  /** '' when the file has no course column or the cell is empty. */
  courseCode: string;
  /**
   * A cell that cannot be stored (a control character, a name too long): the line is refused with
   * this reason (BAD_TEXT), and that cell is '' above so it reaches no query.
   */
  badText?: { column: TextColumn; message: string };
}
export type TextColumn = 'email' | 'name' | 'course';

export interface ParsedRoster {
  lines: RosterLine[];
  /** Whether the file has a course column. */
  hasCourseColumn: boolean;
  delimiter: ',' | ';' | '\t';
  /** Columns the import does not use: their headers as written, or "column N" for one without a header that has data. */
  ignoredColumns: string[];
}

/** Header names people use, after normalize(): lower case, no accents, only letters and digits. */
const HeaderAliases = {
  email: ['email', 'emailaddress', 'mail', 'courriel', 'adressecourriel', 'adresseemail', 'adressemail', 'studentemail', 'emailetudiant'],
  name: ['name', 'fullname', 'studentname', 'nomcomplet', 'nometudiant', 'displayname'],
  firstName: ['firstname', 'givenname', 'prenom'],
  lastName: ['lastname', 'surname', 'familyname', 'nomdefamille', 'nom'],
  course: ['course', 'coursecode', 'code', 'cours', 'codecours', 'codeducours', 'module', 'class'],
} as const;
type Column = keyof typeof HeaderAliases;

export function normalizeHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** The separator used in the header line: the most frequent of `,` `;` and tab outside quotes. */
export function detectDelimiter(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch as keyof typeof counts]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

const ColumnWords: Record<TextColumn, string> = { email: 'email', name: 'name', course: 'course code' };
const NameMax = PersonName.maxLength ?? 200;

/** Why a cell cannot be stored, or undefined. Tabs and line breaks are fine: names fold them into spaces. */
function textProblem(text: string, column: TextColumn): string | undefined {
  const control = ControlCharacter.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return `The ${ColumnWords[column]} contains a control character (U+${code}), which cannot be stored: remove it.`;
  }
  return undefined;
}

function invalid(message: string): DomainError {
  return new DomainError(ErrorCode.VALIDATION_FAILED, message);
}

export function parseRoster(csv: string): ParsedRoster {
  // One line end for everything: Windows (\r\n) and old Mac (\r) files read like the rest.
  // NUL is refused at the edge too (RosterCsv); a file holding one is not text but a binary file sent by mistake.
  if (csv.includes('\u0000')) throw invalid('The roster file contains a NUL character (U+0000), so it is not a text file: save it as CSV and try again.');
  // Only a program can send half of a UTF-16 pair (a file read as UTF-8 never holds one); the CSV reader would turn it into U+FFFD unseen.
  if (LoneSurrogate.test(csv)) throw invalid('The roster file is not valid Unicode text (it holds half of a character): save it as UTF-8 CSV and try again.');
  const text = csv.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const delimiter = detectDelimiter(text);
  let records: { record: string[]; raw: string }[];
  try {
    records = parse(text, { delimiter, record_delimiter: '\n', relax_column_count: true, relax_quotes: true, trim: true, raw: true }) as never;
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    const what = (err as { code?: string }).code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quote (") is opened and never closed' : 'the file is not valid CSV';
    throw invalid(`The roster file cannot be read${line ? ` near line ${line}` : ''}: ${what}.`);
  }

  // Each record's raw text holds its line ends, so counting them gives the line each record starts on.
  let nextLine = 1;
  const numbered = records.map(({ record, raw }) => {
    const line = nextLine;
    nextLine += (raw.match(/\n/g) ?? []).length;
    return { line, cells: record };
  });
  const nonEmpty = numbered.filter((r) => r.cells.some((c) => c !== ''));
  const header = nonEmpty.shift();
  if (!header) throw invalid('The roster file is empty: it needs a header line (email, name, course) and one line per student.');

  const index: Partial<Record<Column, number>> = {};
  header.cells.forEach((cell, i) => {
    const key = normalizeHeader(cell);
    for (const column of Object.keys(HeaderAliases) as Column[]) {
      if (index[column] === undefined && (HeaderAliases[column] as readonly string[]).includes(key)) {
        index[column] = i;
        return;
      }
    }
  });
  // "Nom" alone is a full name in French exports; beside "Prénom" it is the family name.
  if (index.name === undefined && index.lastName !== undefined && index.firstName === undefined) {
    index.name = index.lastName;
    delete index.lastName;
  }
  if (index.email === undefined) {
    throw invalid(
      `The roster file's first line must name its columns, with one called "email" (found: ${header.cells.map((c) => `"${c}"`).join(', ')}).`,
    );
  }
  const cell = (cells: string[], column: Column) => (index[column] === undefined ? '' : (cells[index[column]!] ?? '').normalize('NFC').trim());

  const lines = nonEmpty.map(({ line, cells }): RosterLine => {
    const full = cell(cells, 'name');
    const name = full || [cell(cells, 'firstName'), cell(cells, 'lastName')].filter(Boolean).join(' ');
    const parsed: RosterLine = { line, email: cell(cells, 'email').toLowerCase(), name, courseCode: cell(cells, 'course') };
    // Judged as written (before white space is folded), in the order the plan reads the cells.
    const fields: [TextColumn, 'email' | 'name' | 'courseCode'][] = [['email', 'email'], ['course', 'courseCode'], ['name', 'name']];
    for (const [column, field] of fields) {
      const message = textProblem(parsed[field], column);
      if (message === undefined) continue;
      parsed.badText ??= { column, message };
      parsed[field] = '';
    }
    parsed.name = parsed.name.replace(/\s+/g, ' ');
    if (parsed.name.length > NameMax) {
      parsed.badText ??= { column: 'name', message: `The name is longer than ${NameMax} characters.` };
      parsed.name = '';
    }
    return parsed;
  });
  // Said, not silently dropped: a header nothing matches, and data in a column with no header.
  const used = new Set(Object.values(index));
  const ignoredColumns = header.cells.flatMap((c, i) => (used.has(i) || c.trim() === '' ? [] : [c.trim()]));
  const widest = Math.max(0, ...nonEmpty.map((r) => r.cells.length));
  for (let i = 0; i < widest; i++) {
    if (used.has(i) || (header.cells[i] ?? '').trim() !== '') continue;
    if (nonEmpty.some((r) => (r.cells[i] ?? '').trim() !== '')) ignoredColumns.push(`column ${i + 1}`);
  }
  return { lines, hasCourseColumn: index.course !== undefined, delimiter, ignoredColumns };
}
