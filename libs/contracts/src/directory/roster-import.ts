/**
 * Roster import (identity-service): a CSV file of students and courses, previewed then committed;
 * accounts are created and students enrolled (or removed) as the file says.
 */
import { z } from 'zod';
import { Actor, Id, TextWithoutNul } from '../primitives.js';
import { command } from '../slice-maps.js';

/** The largest roster file accepted (characters): about 15,000 lines. Keeps a socket message under Socket.IO's 1 MB and an RPC under NATS's 1 MiB. */
export const RosterCsvMaxChars = 900_000;
/**
 * A roster file as text. A NUL anywhere refuses the whole file (no spreadsheet writes one: it is
 * a binary file sent by mistake); other control characters are judged cell by cell, as line errors.
 */
export const RosterCsv = TextWithoutNul({ max: RosterCsvMaxChars });
export const RosterImportMode = z.enum(['preview', 'commit']);
export type RosterImportMode = z.infer<typeof RosterImportMode>;
export const RosterImportOptions = z
  .object({
    mode: RosterImportMode,
    /** The course of every line, when the file has no course column. */
    courseId: Id.optional(),
    /** Also remove the students enrolled in the file's courses whom the file does not list. */
    removeMissing: z.boolean().default(false),
  })
  .strict();
export const RosterImportRequest = RosterImportOptions.extend({
  actor: Actor,
  csv: RosterCsv,
}).strict();
export type RosterImportRequest = z.infer<typeof RosterImportRequest>;

/** Why a line of a roster file was not applied. */
export const RosterLineCodes = ['BAD_EMAIL', 'MISSING_NAME', 'UNKNOWN_COURSE', 'DUPLICATE_LINE', 'NOT_A_STUDENT', 'NOT_YOUR_COURSE', 'BAD_TEXT'] as const;
export type RosterLineCode = (typeof RosterLineCodes)[number];
export interface RosterLineError {
  /** The line in the file, counting the header as line 1. */
  line: number;
  code: RosterLineCode;
  /** In English; clients may word it from the code and the fields below instead. */
  message: string;
  /** The line's email, when it has one. */
  email?: string;
  /** The course code the line names (or the chosen course's), when there is one. */
  courseCode?: string;
  /** DUPLICATE_LINE: the earlier line with the same student and course. */
  firstLine?: number;
  /** NOT_A_STUDENT: the account's role. */
  role?: 'admin' | 'teacher';
}
export interface RosterImportSummary {
  /** Lines with a student (the header and blank lines are not counted). */
  lines: number;
  /** Student accounts that did not exist and were (or, in a preview, would be) created. */
  accountsCreated: number;
  /** Enrollments added. */
  enrolled: number;
  /** Lines whose student was already enrolled in the course: nothing to do. */
  alreadyEnrolled: number;
  /** Enrollments removed (removeMissing only). */
  removed: number;
  /** Lines not applied, each listed in `errors`. */
  errorLines: number;
}
export interface RosterImportReply {
  mode: RosterImportMode;
  /** true when the changes were written (commit); a preview writes nothing. */
  committed: boolean;
  /** false when applying the file changes nothing (a re-import of the same file). */
  changes: boolean;
  summary: RosterImportSummary;
  /** A sentence for people, e.g. "Nothing to change: …". */
  message: string;
  /** The courses the file's valid lines name. */
  courses: { id: string; code: string; title: string }[];
  /** Sorted by line; at most 1,000 (summary.errorLines counts them all). */
  errors: RosterLineError[];
  /** Columns the import did not use (a header it does not know, or data under no header), so none is dropped silently. */
  ignoredColumns?: string[];
}

export const RosterImportRpc = {
  identityRosterImport: command('cc.identity.roster-import.v1', RosterImportRequest).replies<RosterImportReply>(),
};
