/**
 * Every visible word of the web client, in English and French. The words live in one file per
 * language, `locales/<lang>.json` (`text`: the interface, `errors`: what each error code means to
 * a person), so a translator edits data, not code. English is the reference: the compiler refuses
 * a language file that lacks one of its keys or one of the contracts' error codes. The language
 * follows the browser (navigator.language); anything that is not French is shown in English.
 */
import type { ErrorCode } from '@classconnect/contracts';
import en from './locales/en.json';
import fr from './locales/fr.json';

export type Lang = 'en' | 'fr';

export function pickLang(languages: readonly string[]): Lang {
  return languages[0]?.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

export const lang: Lang = pickLang(typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language]);

export type Key = keyof typeof en.text;

const dictionaries: Record<Lang, Record<Key, string>> = { en: en.text, fr: fr.text };

function fill(text: string, vars?: Record<string, string | number>): string {
  return vars ? text.replace(/\{(\w+)\}/g, (all, name: string) => (name in vars ? String(vars[name]) : all)) : text;
}

/** The text for `key` in the chosen language, with `{name}` placeholders filled in. */
export function t(key: Key, vars?: Record<string, string | number>, language: Lang = lang): string {
  return fill(dictionaries[language][key], vars);
}

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

const errorDictionaries: Record<Lang, ErrorDictionary> = { en: en.errors, fr: fr.errors };

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
