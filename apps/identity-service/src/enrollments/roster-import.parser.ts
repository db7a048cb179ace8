/**
 * Reads a roster file: CSV as spreadsheets and student information systems export it. Columns are
 * found by their header (any case, any order): an email, a name (or first and last names) and,
 * optionally, a course code. Tolerates a byte-order mark, `;` or tab separators (French-locale
 * spreadsheets use `;`), quoted fields, Windows line ends and blank lines.
 */
import { parse } from 'csv-parse/sync';
import { DomainError, ErrorCode } from '@classconnect/contracts';

/** One line of the file with a student on it. Fields are trimmed; missing ones are ''. */
export interface RosterLine {
  /** The line in the file where the record starts (the header is line 1 when it is the first line). */
  line: number;
  email: string;
  name: string;
  /** '' when the file has no course column or the cell is empty. */
  courseCode: string;
}

export interface ParsedRoster {
  lines: RosterLine[];
  /** Whether the file has a course column. */
  hasCourseColumn: boolean;
  delimiter: ',' | ';' | '\t';
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

function invalid(message: string): DomainError {
  return new DomainError(ErrorCode.VALIDATION_FAILED, message);
}

export function parseRoster(csv: string): ParsedRoster {
  // One line end for everything: Windows (\r\n) and old Mac (\r) files read like the rest.
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
  const cell = (cells: string[], column: Column) => (index[column] === undefined ? '' : (cells[index[column]!] ?? '').trim());

  const lines = nonEmpty.map(({ line, cells }): RosterLine => {
    const full = cell(cells, 'name');
    const name = full || [cell(cells, 'firstName'), cell(cells, 'lastName')].filter(Boolean).join(' ');
    return { line, email: cell(cells, 'email').toLowerCase(), name: name.replace(/\s+/g, ' '), courseCode: cell(cells, 'course') };
  });
  return { lines, hasCourseColumn: index.course !== undefined, delimiter };
}
