/**
 * Every visible word of the web client, in English and French. The words live in tables, one file
 * per feature and language, `locales/<lang>/<table>.json` (`errors.json`: what each error code means
 * to a person), so a translator edits data, not code, and a phone downloads only the words of the
 * screens it shows in the language it shows them: `common`, `checkin` and `errors` come with the
 * first page; the teacher's and the administrator's tables with their screens (app.tsx). English
 * is the reference: the compiler refuses a French table that lacks one of its keys, and an errors
 * table that lacks one of the contracts' error codes. The language follows the browser
 * (navigator.language); anything that is not French is shown in English.
 *
 * Which table a key goes in: the table of the files that show it (common: the shell, sign-in and
 * shared parts, downloads; checkin: the student's screens, features/checkin and features/warnings,
 * and the attendance history; roster: features/roster, the teacher's course and live screens;
 * reports: the report in features/reports; courses: the course panels teachers and administrators
 * share; admin: the rest of features/admin, the administrator's console). A key shown by files of
 * two tables goes in `common`; scripts/place-texts.mjs applies the same rule.
 */
import type { ErrorCode } from '@classconnect/contracts';

export type Lang = 'en' | 'fr';

export function pickLang(languages: readonly string[]): Lang {
  return languages[0]?.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

export const lang: Lang = pickLang(typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language]);

/** The English tables: the reference for every language's keys. */
interface English {
  common: typeof import('./locales/en/common.json');
  checkin: typeof import('./locales/en/checkin.json');
  roster: typeof import('./locales/en/roster.json');
  reports: typeof import('./locales/en/reports.json');
  courses: typeof import('./locales/en/courses.json');
  admin: typeof import('./locales/en/admin.json');
}

export type TextTable = keyof English;

export type Key = { [T in TextTable]: Exclude<keyof English[T], symbol | number> }[TextTable];

/**
 * What went wrong and what to do, for every error code: the student reads `problem` and `todo`;
 * the teacher's roster shows `short`. `{distance}` and `{radius}` are filled when known.
 */
interface ErrorText {
  problem: string;
  todo: string;
  short: string;
}

/** Every code in the contracts must be here (the compiler checks); codes added later on the server read as INTERNAL until then. */
type ErrorDictionary = Record<ErrorCode, ErrorText> & Record<string, ErrorText>;

export type Table = TextTable | 'errors';

/** A language's tables, each with every key of its English table (a missing key fails the typecheck). */
type Loaders = { [T in TextTable]: () => Promise<{ default: Record<keyof English[T], string> }> } & { errors: () => Promise<{ default: ErrorDictionary }> };

const loaders: Record<Lang, Loaders> = {
  en: {
    common: () => import('./locales/en/common.json'),
    checkin: () => import('./locales/en/checkin.json'),
    roster: () => import('./locales/en/roster.json'),
    reports: () => import('./locales/en/reports.json'),
    courses: () => import('./locales/en/courses.json'),
    admin: () => import('./locales/en/admin.json'),
    errors: () => import('./locales/en/errors.json'),
  },
  fr: {
    common: () => import('./locales/fr/common.json'),
    checkin: () => import('./locales/fr/checkin.json'),
    roster: () => import('./locales/fr/roster.json'),
    reports: () => import('./locales/fr/reports.json'),
    courses: () => import('./locales/fr/courses.json'),
    admin: () => import('./locales/fr/admin.json'),
    errors: () => import('./locales/fr/errors.json'),
  },
};

/** The tables the first page needs: the shell, sign-in and the student's check-in. */
export const FirstTables: readonly Table[] = ['common', 'checkin', 'errors'];
export const AllTables: readonly Table[] = ['common', 'checkin', 'roster', 'reports', 'courses', 'admin', 'errors'];

const dictionaries: Record<Lang, Partial<Record<Key, string>>> = { en: {}, fr: {} };
const errorDictionaries: Record<Lang, ErrorDictionary> = { en: {} as ErrorDictionary, fr: {} as ErrorDictionary };
const loading = new Map<string, Promise<void>>();

/** Fetches `tables` in `languages` (the chosen one unless told) once; resolves when their words can be shown. */
export function loadTexts(tables: readonly Table[], languages: readonly Lang[] = [lang]): Promise<void> {
  const jobs = languages.flatMap((language) =>
    tables.map((table) => {
      const id = `${language}/${table}`;
      let job = loading.get(id);
      if (!job) {
        job = (loaders[language][table] as () => Promise<{ default: object }>)().then(({ default: words }) => {
          Object.assign(table === 'errors' ? errorDictionaries[language] : dictionaries[language], words);
        });
        job.catch(() => loading.delete(id));
        loading.set(id, job);
      }
      return job;
    }),
  );
  return Promise.all(jobs).then(() => undefined);
}

// The first page's words before anything renders; outside a browser (the unit tests) every table in both languages.
await (typeof document === 'undefined' ? loadTexts(AllTables, ['en', 'fr']) : loadTexts(FirstTables));

function fill(text: string, vars?: Record<string, string | number>): string {
  return vars ? text.replace(/\{(\w+)\}/g, (all, name: string) => (name in vars ? String(vars[name]) : all)) : text;
}

/** The text for `key` in the chosen language, with `{name}` placeholders filled in. */
export function t(key: Key, vars?: Record<string, string | number>, language: Lang = lang): string {
  const text = dictionaries[language][key];
  if (text === undefined) {
    // A screen shown before its table was loaded (see app.tsx): a bug, shown as the key rather than a crash.
    console.error(`ClassConnect: the text "${key}" is not loaded`);
    return key;
  }
  return fill(text, vars);
}

/** The words for an error code; an unknown code (a newer server) reads like INTERNAL. */
export function errorText(code: string, vars: { distance?: number; radius?: number } = {}, language: Lang = lang): ErrorText {
  const dict = errorDictionaries[language];
  const entry = dict[code] ?? dict.INTERNAL;
  const v = {
    distance: vars.distance === undefined ? '?' : Math.round(vars.distance),
    radius: vars.radius === undefined ? '?' : vars.radius,
  };
  return { problem: fill(entry.problem, v), todo: fill(entry.todo, v), short: fill(entry.short, v) };
}

export function formatTime(iso: string | undefined, language: Lang = lang): string {
  if (!iso) return '';
  return new Date(iso).toLocaleTimeString(language === 'fr' ? 'fr-FR' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
}

export function formatDate(iso: string | undefined, language: Lang = lang): string {
  if (!iso) return '';
  return new Date(iso).toLocaleDateString(language === 'fr' ? 'fr-FR' : 'en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
}

/** An attendance rate (0 … 1) as a whole percentage; '' when there is none. */
export function formatRate(rate: number | null, language: Lang = lang): string {
  if (rate === null) return '';
  return new Intl.NumberFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { style: 'percent', maximumFractionDigits: 0 }).format(rate);
}

const statusKeys = { present: 'statusPresent', late: 'statusLate', excused: 'statusExcused', absent: 'statusAbsent' } as const;

/** The word for an attendance status. */
export function statusText(status: 'present' | 'late' | 'excused' | 'absent', language: Lang = lang): string {
  return t(statusKeys[status], undefined, language);
}

/**
 * A count with the word its language's plural rules ask for (Intl.PluralRules): `key` is the
 * "other" form and `${key}One` the "one" form ("1 student", "2 students"; "0 étudiant·e" in French).
 */
export function plural(key: Key, n: number, language: Lang = lang): string {
  const one = `${key}One` as Key;
  const form = new Intl.PluralRules(language === 'fr' ? 'fr-FR' : 'en-GB').select(n);
  return t(form === 'one' && one in dictionaries[language] ? one : key, { n }, language);
}
