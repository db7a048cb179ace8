/**
 * The words of the attendance warnings, in English and French, kept beside the feature (a feature
 * adds a folder, not lines to a shared dictionary). The language is the one the rest of the client uses.
 */
import type { ExcusedPolicy } from '@classconnect/contracts';
import { lang, type Lang } from '../../i18n.js';

const en = {
  myTitle: 'Attendance warnings',
  lowRate: '{course}: your attendance is {rate} over {n} sessions, below {min}.',
  consecutive: '{course}: you missed the last {n} sessions.',
  myHint: 'Talk to your teacher if something is wrong, or if you need help catching up.',
  courseTitle: 'Attendance warnings ({n})',
  courseNone: 'No student is below the thresholds.',
  courseLowRate: 'Attendance {rate} over {n} sessions',
  courseConsecutive: 'Missed the last {n} sessions',
  badge: 'Warning',
  badgeLabel: 'Attendance warning',
  since: 'since {date}',
  thresholds: 'Thresholds',
  thresholdsNote: 'A warning is raised below {rate} after at least {n} sessions, and after {c} missed sessions in a row. Excused: {excused}.',
  thresholdsNoteNoRun: 'A warning is raised below {rate} after at least {n} sessions. Excused: {excused}.',
  ownThresholds: 'This course’s own thresholds',
  defaultThresholds: 'The university’s default thresholds',
  minRate: 'Minimum attendance (%)',
  minSessions: 'After at least (sessions)',
  consecutiveField: 'Missed sessions in a row (0: off)',
  excusedField: 'An excused session',
  excused_exclude: 'is left out',
  excused_absent: 'counts as missed',
  excused_attended: 'counts as attended',
  save: 'Save thresholds',
  reset: 'Use the defaults',
  saved: 'Thresholds saved; warnings decided again.',
};

const fr: typeof en = {
  myTitle: 'Alertes d’assiduité',
  lowRate: '{course} : votre assiduité est de {rate} sur {n} séances, sous {min}.',
  consecutive: '{course} : vous avez manqué les {n} dernières séances.',
  myHint: 'Parlez-en à votre enseignant en cas d’erreur, ou si vous avez besoin d’aide pour rattraper.',
  courseTitle: 'Alertes d’assiduité ({n})',
  courseNone: 'Aucun étudiant n’est sous les seuils.',
  courseLowRate: 'Assiduité {rate} sur {n} séances',
  courseConsecutive: 'A manqué les {n} dernières séances',
  badge: 'Alerte',
  badgeLabel: 'Alerte d’assiduité',
  since: 'depuis le {date}',
  thresholds: 'Seuils',
  thresholdsNote: 'Une alerte est levée sous {rate} après au moins {n} séances, et après {c} absences de suite. Excusé : {excused}.',
  thresholdsNoteNoRun: 'Une alerte est levée sous {rate} après au moins {n} séances. Excusé : {excused}.',
  ownThresholds: 'Seuils propres à ce cours',
  defaultThresholds: 'Seuils par défaut de l’université',
  minRate: 'Assiduité minimale (%)',
  minSessions: 'Après au moins (séances)',
  consecutiveField: 'Absences de suite (0 : désactivé)',
  excusedField: 'Une séance excusée',
  excused_exclude: 'n’est pas comptée',
  excused_absent: 'compte comme manquée',
  excused_attended: 'compte comme suivie',
  save: 'Enregistrer les seuils',
  reset: 'Revenir aux seuils par défaut',
  saved: 'Seuils enregistrés ; alertes recalculées.',
};

const texts: Record<Lang, typeof en> = { en, fr };

export type WarningTextKey = keyof typeof en;

export function wt(key: WarningTextKey, vars?: Record<string, string | number>): string {
  const text = texts[lang][key];
  return vars ? text.replace(/\{(\w+)\}/g, (all, name: string) => (name in vars ? String(vars[name]) : all)) : text;
}

export const excusedText = (p: ExcusedPolicy) => wt(`excused_${p}`);
